#pragma once
// The parts of an http:// service URL the transport and HTTP Digest need.
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ptzgrab::ptz {

struct HttpUrl {
    std::string host;    // without brackets for IPv6
    std::string port;    // "80" when absent
    std::string target;  // path and query, "/" when absent
    bool has_userinfo = false;
};

/// invalid_input for https (no TLS here), other schemes, an empty host or a bad port.
Result<HttpUrl> parse_http_url(std::string_view url);

/// The Host header value: an IPv6 host in brackets, the port unless it is 80.
std::string host_field(const HttpUrl& url);

}  // namespace ptzgrab::ptz
