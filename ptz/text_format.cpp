#include "text_format.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

namespace ptzgrab::ptz {
namespace {

std::string number_text(const FormatArg& arg, std::string_view spec) {
    std::string conversion = spec.empty() ? std::string() : std::string(spec);
    char type = conversion.empty() ? '\0' : conversion.back();
    bool has_type = type == 'g' || type == 'x' || type == 'd' || type == 'f';
    if (has_type) conversion.pop_back();
    char text[64];
    if (const double* d = std::get_if<double>(&arg)) {
        std::string f = "%" + conversion + (has_type && type != 'x' && type != 'd' ? std::string(1, type) : "g");
        std::snprintf(text, sizeof text, f.c_str(), *d);
    } else if (const long long* i = std::get_if<long long>(&arg)) {
        std::string f = "%" + conversion + "ll" + (type == 'x' ? "x" : "d");
        std::snprintf(text, sizeof text, f.c_str(), *i);
    } else {
        std::string f = "%" + conversion + "ll" + (type == 'x' ? "x" : "u");
        std::snprintf(text, sizeof text, f.c_str(), std::get<unsigned long long>(arg));
    }
    return text;
}

}  // namespace

std::string format_args(std::string_view pattern, std::initializer_list<FormatArg> list) {
    std::vector<FormatArg> args(list);
    std::string out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c != '{') {
            out += c;
            continue;
        }
        auto close = pattern.find('}', i);
        if (close == std::string_view::npos) {
            out.append(pattern.substr(i));
            break;
        }
        std::string_view field = pattern.substr(i + 1, close - i - 1);
        i = close;
        auto colon = field.find(':');
        std::string_view index_text = field.substr(0, colon);
        std::string_view spec = colon == std::string_view::npos ? std::string_view{} : field.substr(colon + 1);
        std::size_t index = next++;
        if (!index_text.empty()) std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
        if (index >= args.size()) continue;
        if (const auto* s = std::get_if<std::string_view>(&args[index])) out.append(*s);
        else out += number_text(args[index], spec);
    }
    return out;
}

}  // namespace ptzgrab::ptz
