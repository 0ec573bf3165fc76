#pragma once
// A small stand-in for std::format (g++ 12 has no <format>): "{}" and "{N}" placeholders, with a
// printf-style spec for numbers ("{:g}", "{:.6g}", "{:08x}", "{:03}").
#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace ptzgrab::ptz {

using FormatArg = std::variant<std::string_view, long long, unsigned long long, double>;

std::string format_args(std::string_view pattern, std::initializer_list<FormatArg> args);

template <class T>
FormatArg format_arg(const T& value) {
    if constexpr (std::is_same_v<T, bool>) return static_cast<long long>(value);
    else if constexpr (std::floating_point<T>) return static_cast<double>(value);
    else if constexpr (std::signed_integral<T>) return static_cast<long long>(value);
    else if constexpr (std::unsigned_integral<T>) return static_cast<unsigned long long>(value);
    else return std::string_view(value);
}

template <class... Args>
std::string format_text(std::string_view pattern, const Args&... args) {
    return format_args(pattern, {format_arg(args)...});
}

}  // namespace ptzgrab::ptz
