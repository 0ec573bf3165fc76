#include "request_guard.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace ptzgrab::web {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }

std::optional<uint16_t> parse_port(std::string_view digits) {
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return std::nullopt;
    return static_cast<uint16_t>(value);
}

// A DNS name as RFC 1123 spells it (letters, digits, '-', '.'), plus '_' that some LANs use.
bool is_reg_name(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    auto allowed = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_'; };
    return std::ranges::all_of(host, allowed);
}

bool is_ipv4_literal(const std::string& host) {
    in_addr out{};
    return ::inet_pton(AF_INET, host.c_str(), &out) == 1;  // dotted decimal only, as browsers send it
}

bool is_ipv6_literal(const std::string& bracketed) {
    if (bracketed.size() < 3 || bracketed.front() != '[' || bracketed.back() != ']') return false;
    in6_addr out{};
    return ::inet_pton(AF_INET6, bracketed.substr(1, bracketed.size() - 2).c_str(), &out) == 1;
}

bool is_read_only(http::verb method) {
    return method == http::verb::get || method == http::verb::head || method == http::verb::options;
}

std::optional<uint16_t> default_port(std::string_view scheme) {
    if (scheme == "http") return 80;
    if (scheme == "https") return 443;
    return std::nullopt;
}

// Whether the Origin header ("http://host:port") names the authority the request was sent to.
bool origin_matches_host(std::string_view origin, std::string_view host_header) {
    size_t sep = origin.find("://");
    if (sep == std::string_view::npos) return false;
    std::string scheme = lower(origin.substr(0, sep));
    auto origin_authority = parse_authority(origin.substr(sep + 3));
    auto host = parse_authority(host_header);
    auto scheme_port = default_port(scheme);
    if (!origin_authority || !host || !scheme_port) return false;
    // Behind a TLS proxy the Host carries no port and the scheme is https: both default to the scheme's.
    return origin_authority->host == host->host &&
           origin_authority->port.value_or(*scheme_port) == host->port.value_or(*scheme_port);
}

// The browser's own word that another site made this request.
bool marked_cross_site(const Request& request) {
    auto site = request.find(http::field::sec_fetch_site);
    return site != request.end() && iequals(site->value(), "cross-site");
}

Refusal forbidden(std::string reason) { return {http::status::forbidden, std::move(reason)}; }

}  // namespace

std::optional<Authority> parse_authority(std::string_view text) {
    Authority out;
    std::string_view host = text, port;
    if (text.starts_with('[')) {
        size_t close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(0, close + 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
        if (!rest.empty()) port = rest.substr(1);
        if (!is_ipv6_literal(std::string(host))) return std::nullopt;
        if (!rest.empty() && !(out.port = parse_port(port))) return std::nullopt;
    } else {
        size_t colon = text.find(':');
        if (colon != std::string_view::npos) {
            host = text.substr(0, colon);
            if (!(out.port = parse_port(text.substr(colon + 1)))) return std::nullopt;
        }
        if (!is_reg_name(host)) return std::nullopt;
    }
    out.host = lower(host);
    return out;
}

std::optional<Refusal> check_host_present(const Request& request) {
    size_t count = request.count(http::field::host);
    if (count == 0 && request.version() < 11) return std::nullopt;  // HTTP/1.0 may leave it out
    if (count == 0) return Refusal{http::status::bad_request, "an HTTP/1.1 request needs a Host header"};
    if (count > 1) return Refusal{http::status::bad_request, "more than one Host header"};
    if (!parse_authority(request[http::field::host]))
        return Refusal{http::status::bad_request, "malformed Host header"};
    return std::nullopt;
}

std::optional<Refusal> check_host_allowed(const Request& request, const HostPolicy& policy) {
    if (policy.any || request.count(http::field::host) == 0) return std::nullopt;
    auto authority = parse_authority(request[http::field::host]);
    if (!authority) return Refusal{http::status::bad_request, "malformed Host header"};
    std::string name = authority->host;
    if (name.size() > 1 && name.ends_with('.')) name.pop_back();  // "localhost." is "localhost"
    if (name == "localhost" || is_ipv4_literal(name) || is_ipv6_literal(name)) return std::nullopt;
    if (std::ranges::find(policy.names, name) != policy.names.end()) return std::nullopt;
    return Refusal{http::status::misdirected_request,
                   "Host \"" + name + "\" is not a name of this server (a DNS rebinding guard); "
                   "use its IP address, or start serve with --allow-host " + name};
}

std::optional<Refusal> check_same_origin_write(const Request& request) {
    if (is_read_only(request.method())) return std::nullopt;
    if (marked_cross_site(request)) return forbidden("cross-site requests may not change anything here");
    auto origin = request.find(http::field::origin);
    if (origin == request.end()) return std::nullopt;
    auto host = request.find(http::field::host);
    if (host == request.end() || !origin_matches_host(origin->value(), host->value()))
        return forbidden("requests from another origin may not change anything here");
    return std::nullopt;
}

std::optional<Refusal> check_same_site_adhoc(const Request& request, bool asks_for_url) {
    if (asks_for_url && marked_cross_site(request))
        return forbidden("another site may not ask this server for ?url= grabs");
    return std::nullopt;
}

}  // namespace ptzgrab::web
