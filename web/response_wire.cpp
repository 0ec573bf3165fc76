#include "response_wire.hpp"

#include "append_number.hpp"

namespace ptzgrab::web {
namespace {

// "HTTP/1.1 200 OK\r\n", as Beast writes it.
void append_status_line(const Response& res, std::string& out) {
    out += "HTTP/";
    append_number(out, res.version() / 10);
    out += '.';
    append_number(out, res.version() % 10);
    out += ' ';
    append_number(out, res.result_int());
    out += ' ';
    out += res.reason();
    out += "\r\n";
}

void append_fields(const Response& res, std::string& out) {
    for (const auto& field : res) {
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
    }
}

}  // namespace

void write_head(const Answer& answer, std::string& out) {
    out.clear();
    const Response& res = answer.head;
    append_status_line(res, out);
    if (answer.frame) {
        const PreparedFrame& frame = *answer.frame;
        out += frame.lines->before_age;
        append_number(out, std::max<long long>(0, frame.age.count()));
        out += "\r\nX-Cache: ";
        out += frame.cache_state;
        out += "\r\n";
        out += frame.lines->after_cache;
        append_fields(res, out);  // Connection, when the request asked for a close or for HTTP/1.0 keep-alive
        out += frame.lines->content_length;
    } else {
        append_fields(res, out);
    }
    out += "\r\n";
}

}  // namespace ptzgrab::web
