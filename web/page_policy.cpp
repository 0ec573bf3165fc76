#include "page_policy.hpp"

#include <algorithm>
#include <cctype>

#include "request_guard.hpp"

namespace ptzgrab::web {
namespace {

// "http://cam.example:8080/live.m3u8" -> "http://cam.example:8080"; empty for relative or odd URLs.
// The result goes into a header, so only a scheme and an authority that parse cleanly are kept.
std::string origin_of(std::string_view url) {
    size_t sep = url.find("://");
    if (sep == std::string_view::npos) return {};
    std::string scheme(url.substr(0, sep));
    std::ranges::transform(scheme, scheme.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "http" && scheme != "https") return {};
    std::string_view rest = url.substr(sep + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) return {};  // never sent to the browser anyway
    auto parsed = parse_authority(authority);
    if (!parsed) return {};
    std::string origin = scheme + "://" + parsed->host;
    if (parsed->port) origin += ":" + std::to_string(*parsed->port);
    return origin;
}

}  // namespace

std::string view_page_content_security_policy(std::string_view hls_url) {
    std::string live = origin_of(hls_url);
    std::string extra = live.empty() ? "" : " " + live;
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
           "media-src 'self' blob:" + extra + "; connect-src 'self'" + extra +
           "; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'none'";
}

}  // namespace ptzgrab::web
