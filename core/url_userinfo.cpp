#include "url_userinfo.hpp"

#include <cctype>

#include "url.hpp"

namespace ptzgrab {
namespace {

struct Authority {
    size_t begin = std::string_view::npos;  // just after "://"
    size_t at = std::string_view::npos;     // the '@' ending the userinfo, npos when there is none
};

Authority authority_of(std::string_view url) {
    Authority a;
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return a;
    a.begin = scheme_end + 3;
    // A password may hold '@' (percent-encoded '/', '?' and '#'): the userinfo ends at the authority's last '@'.
    size_t end = url.find_first_of("/?#", a.begin);
    std::string_view authority = url.substr(a.begin, end == std::string_view::npos ? url.npos : end - a.begin);
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) return a;
    a.at = a.begin + at;
    return a;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string percent_decoded(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// RFC 3986 unreserved characters stay; everything else is escaped.
std::string percent_encoded(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        }
    }
    return out;
}

}  // namespace

UrlCredentials credentials_of(std::string_view url) {
    Authority a = authority_of(url);
    if (a.at == std::string_view::npos) return {};
    std::string_view userinfo = url.substr(a.begin, a.at - a.begin);
    size_t colon = userinfo.find(':');
    UrlCredentials c;
    c.user = percent_decoded(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) c.password = percent_decoded(userinfo.substr(colon + 1));
    return c;
}

std::string without_credentials(std::string_view url) {
    Authority a = authority_of(url);
    if (a.at == std::string_view::npos) return std::string(url);
    return std::string(url.substr(0, a.begin)) + std::string(url.substr(a.at + 1));
}

std::string with_credentials(std::string_view url, const UrlCredentials& credentials) {
    std::string bare = without_credentials(url);
    Authority a = authority_of(bare);
    if (credentials.user.empty() || a.begin == std::string_view::npos) return bare;
    std::string userinfo = percent_encoded(credentials.user);
    if (!credentials.password.empty()) userinfo += ":" + percent_encoded(credentials.password);
    return bare.substr(0, a.begin) + userinfo + "@" + bare.substr(a.begin);
}

Error masked_login_error(Error error, std::string_view url, const UrlCredentials& login) {
    error = masked_error(std::move(error), with_credentials(url, login));
    for (const std::string& secret : {login.password, percent_encoded(login.password)})
        for (std::string* text : {&error.message, &error.detail}) mask_secret(*text, secret);
    return error;
}

}  // namespace ptzgrab
