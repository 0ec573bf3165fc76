#pragma once
// WS-Security UsernameToken with PasswordDigest, the header ONVIF devices authenticate SOAP calls by:
// digest = Base64(SHA-1(nonce + created + password)), Created in UTC ending in Z.
#include <chrono>
#include <string>
#include <string_view>

namespace ptzgrab::ptz {

/// `nonce` raw bytes (not Base64); returns the Base64 PasswordDigest.
std::string password_digest(std::string_view nonce, std::string_view created, std::string_view password);

/// "2010-09-16T07:50:45Z": whole seconds, UTC.
std::string utc_timestamp(std::chrono::system_clock::time_point when);

/// The <wsse:Security> header element, signed at `created` (our clock plus the device's offset).
std::string security_header(std::string_view user, std::string_view password, std::string_view nonce,
                            std::chrono::system_clock::time_point created);

std::string xml_escape(std::string_view text);

}  // namespace ptzgrab::ptz
