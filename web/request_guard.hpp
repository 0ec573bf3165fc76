#pragma once
// The checks a browser-borne attack fails: DNS rebinding (a foreign Host) and cross-site writes
// (a foreign Origin, Sec-Fetch-Site: cross-site). Pure functions of the request, so tested without sockets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"

namespace ptzgrab::web {

/// The names a request's Host may carry besides IP literals and "localhost".
/// A page from another site reaches a loopback server only under that site's own name (DNS
/// rebinding): an IP literal or localhost can never be an attacker's origin, a foreign name can.
struct HostPolicy {
    std::vector<std::string> names;  // lower case, no trailing dot (--allow-host, the machine's own name)
    bool any = false;                // --allow-host '*': accept every name (behind a proxy that checks it)
};

/// Host "name", "1.2.3.4:8080", "[::1]:80" split and checked; nullopt when malformed.
struct Authority {
    std::string host;  // lower case; an IPv6 literal keeps its brackets
    std::optional<uint16_t> port;
};
std::optional<Authority> parse_authority(std::string_view text);

/// A refused request: the status and a one-line reason for the body.
struct Refusal {
    http::status status;
    std::string reason;
};

/// 400 for an HTTP/1.1 request with no Host, more than one, or a malformed one (RFC 9112 3.2).
std::optional<Refusal> check_host_present(const Request& request);

/// 421 when the Host names neither an IP literal, localhost, nor a name of `policy`.
std::optional<Refusal> check_host_allowed(const Request& request, const HostPolicy& policy);

/// 403 for a state-changing request (any method but GET, HEAD, OPTIONS) that a browser marks as
/// cross-site, or whose Origin is not the Host it was sent to. Requests without either header
/// (curl, scripts) pass: only browsers add them, and browsers always do on cross-origin POSTs.
std::optional<Refusal> check_same_origin_write(const Request& request);

/// 403 for a cross-site GET of /stream/snapshot?url=: another site's <img> must not make this
/// server open connections to hosts of its choosing (blind SSRF through --allow-any-url).
std::optional<Refusal> check_same_site_adhoc(const Request& request, bool asks_for_url);

}  // namespace ptzgrab::web
