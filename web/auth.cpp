#include "auth.hpp"

namespace ptzgrab::web {

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
    if (header != request.end()) {
        std::string_view value = header->value();
        constexpr std::string_view scheme = "Bearer ";
        if (value.size() > scheme.size() && value.substr(0, scheme.size()) == scheme)
            ok |= constant_time_equal(value.substr(scheme.size()), token);
    }
    if (const std::string* query_token = target.find("token")) ok |= constant_time_equal(*query_token, token);
    return ok;
}

}  // namespace ptzgrab::web
