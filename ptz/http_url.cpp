#include "http_url.hpp"

#include <algorithm>
#include <cctype>

namespace ptzgrab::ptz {

Result<HttpUrl> parse_http_url(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return make_error(ErrorKind::invalid_input, "not an http:// URL");
    std::string scheme(url.substr(0, scheme_end));
    std::ranges::transform(scheme, scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (scheme == "https") return make_error(ErrorKind::invalid_input, "https is not supported for ONVIF (no TLS)");
    if (scheme != "http") return make_error(ErrorKind::invalid_input, "not an http:// URL");
    std::string_view rest = url.substr(scheme_end + 3);
    auto path_at = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_at);
    HttpUrl out;
    out.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
    if (auto hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
    if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        out.has_userinfo = true;
        authority.remove_prefix(at + 1);
    }
    std::string_view port;
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return make_error(ErrorKind::invalid_input, "bad IPv6 host in URL");
        out.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
    } else {
        auto colon = authority.rfind(':');
        out.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (out.host.empty()) return make_error(ErrorKind::invalid_input, "URL without a host");
    if (port.empty()) port = "80";
    if (port.size() > 5 || !std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
        return make_error(ErrorKind::invalid_input, "bad port in URL");
    out.port = port;
    return out;
}

std::string host_field(const HttpUrl& url) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    return url.port == "80" ? host : host + ":" + url.port;
}

}  // namespace ptzgrab::ptz
