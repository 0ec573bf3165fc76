#pragma once
// The credentials a URL carries in its userinfo ("rtsp://user:pass@host/"): a camera's stream URL
// and its ONVIF endpoint share one login, so one is read from the other, and added where a grab needs it.
#include <string>
#include <string_view>

#include "error.hpp"

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

/// `error` masked against `url` with `login` added (masked_error), then the password (3 or more
/// characters, as mask_text) wherever it still occurs, raw or percent-encoded: a device's own error
/// texts may quote it outside any URL. The one masking for a login held apart from its URL (ONVIF).
Error masked_login_error(Error error, std::string_view url, const UrlCredentials& login);

}  // namespace ptzgrab
