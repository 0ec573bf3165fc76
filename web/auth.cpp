#include "auth.hpp"

#include <cctype>

namespace ptzgrab::web {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::optional<std::string_view> bearer_credentials(std::string_view value) {
    constexpr std::string_view scheme = "bearer";
    if (value.size() <= scheme.size() || !is_blank(value[scheme.size()])) return std::nullopt;
    for (size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return std::nullopt;
    value.remove_prefix(scheme.size());
    while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    return value;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Every byte of the longer text is visited, so the time says nothing about the prefix that matched.
    size_t n = std::max(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (size_t i = 0; i < n; ++i) {
        unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

bool is_authorized(const Request& request, const Target& target, std::string_view token) {
    if (token.empty()) return true;
    bool ok = false;
    auto header = request.find(http::field::authorization);
    if (header != request.end())
        if (auto credentials = bearer_credentials(header->value())) ok |= constant_time_equal(*credentials, token);
    if (const std::string* query_token = target.find("token")) ok |= constant_time_equal(*query_token, token);
    return ok;
}

}  // namespace ptzgrab::web
