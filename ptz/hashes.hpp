#pragma once
// The hashes and encoding the two ONVIF auth schemes need (SHA-1 for WS-Security, MD5 for HTTP
// Digest, Base64), without a new dependency: Boost.UUID's hashers plus a small Base64.
#include <optional>
#include <string>
#include <string_view>

namespace ptzgrab::ptz {

std::string sha1_bytes(std::string_view data);  // 20 raw bytes
std::string md5_hex(std::string_view data);     // 32 lower-case hex digits
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // nullopt: not Base64
std::string random_bytes(std::size_t count);    // for nonces (std::random_device)
std::string to_hex(std::string_view bytes);

}  // namespace ptzgrab::ptz
