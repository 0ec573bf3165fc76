#pragma once
// Decimal digits appended in place: an answer's head and its log line are built per request on
// the hot path, with no temporary strings.
#include <charconv>
#include <string>

namespace ptzgrab::web {

inline void append_number(std::string& out, long long value) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

}  // namespace ptzgrab::web
