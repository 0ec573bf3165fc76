#pragma once
// The credentials a URL carries in its userinfo ("rtsp://user:pass@host/"): a camera's stream URL
// and its ONVIF endpoint share one login, so one is read from the other, and added where a grab needs it.
#include <string>
#include <string_view>

namespace ptzgrab {

struct UrlCredentials {
    std::string user, password;  // percent-decoded; empty when the URL has none
};

/// The userinfo of `url`, percent-decoded ("pa%40ss" is "pa@ss"): up to the last '@' before the first
/// '/', '?' or '#' after "://" (so those must be percent-encoded in a password). None: both empty.
UrlCredentials credentials_of(std::string_view url);

/// `url` without its userinfo ("http://u:p@cam/x" -> "http://cam/x").
std::string without_credentials(std::string_view url);

/// `url` with `credentials` as its userinfo, percent-encoded; an empty user leaves the URL bare.
std::string with_credentials(std::string_view url, const UrlCredentials& credentials);

}  // namespace ptzgrab
