#include "json_text.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace ptzgrab {
namespace {

namespace json = boost::json;

template <class Number>
void append_number(std::string& out, Number n) {
    char text[64];
    out.append(text, std::to_chars(text, text + sizeof text, n).ptr);
}

void append_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        return;
    }
    size_t start = out.size();
    append_number(out, d);
    if (out.find_first_of(".e", start) == std::string::npos) out += ".0";  // "1" would read back as an integer
}

void append(std::string& out, const json::value& value) {
    switch (value.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case json::kind::int64: append_number(out, value.get_int64()); break;
    case json::kind::uint64: append_number(out, value.get_uint64()); break;
    case json::kind::double_: append_double(out, value.get_double()); break;
    case json::kind::string: out += json::serialize(value.get_string()); break;
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const json::value& item : value.get_array()) {
            if (!first) out += ',';
            first = false;
            append(out, item);
        }
        out += ']';
        break;
    }
    case json::kind::object: {
        out += '{';
        bool first = true;
        for (const json::key_value_pair& member : value.get_object()) {
            if (!first) out += ',';
            first = false;
            out += json::serialize(member.key());
            out += ':';
            append(out, member.value());
        }
        out += '}';
        break;
    }
    }
}

}  // namespace

std::string json_text(const boost::json::value& value) {
    std::string out;
    append(out, value);
    return out;
}

}  // namespace ptzgrab
