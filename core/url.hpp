#pragma once
// What kind of source a URL names, and how to show it without its secrets.
#include <string>
#include <string_view>

#include "error.hpp"

namespace ptzgrab {

enum class SourceKind {
    rtsp,   // rtsp:// and rtsps://
    hls,    // an .m3u8 playlist over http(s)
    http,   // other http(s) video: MJPEG, MPEG-TS, ...
    file,   // a local path or file:// URL
    lavfi,  // ffmpeg's generated test sources ("lavfi:testsrc2=..."), the built-in demo
    unsupported,
};

std::string_view to_string(SourceKind kind);

/// Schemes are matched in any case ("RTSP://" is rtsp); with_lower_case_scheme() before ffmpeg sees one.
SourceKind classify_source(std::string_view url);

/// Network kinds are the only ones a remote HTTP caller may ask for with ?url=.
bool is_network(SourceKind kind);

/// "RTSP://Cam/S" -> "rtsp://Cam/S": ffmpeg 5.1 knows its protocols by lower-case name only.
std::string with_lower_case_scheme(std::string_view url);

/// True when nothing in the URL can carry a credential, so it may be handed to a browser as is:
/// http(s):// or a path on this server ("/assets/..."), no userinfo, query, fragment or ;=& parameters.
/// An allow-list: anything unusual is false.
bool is_bare_url(std::string_view url);

/// Whether a query or path parameter with this name (raw or percent-encoded, any case) holds a
/// secret: pass/pwd/pw/psw/loginpas, secret, token, key, sig/signature, auth, cred, session, ...
bool is_secret_key(std::string_view key);

/// Every secret in a URL becomes "***": the userinfo's password (up to the URL's last '@', so one
/// holding '@', '/', '?', '#', spaces or quotes is hidden whole), values of secret query and fragment
/// keys, and secret path parameters (";password=S", XMEye "/user=admin&password=S&..." and
/// "/user=admin_password=S_channel=1..."). Masking too much is the safe side.
/// Every URL that is printed, logged, rendered or returned goes through this.
std::string mask_credentials(std::string_view url);

/// Masks free text such as ffmpeg's stderr. With `source_url`: first that URL wherever it occurs,
/// then each of its secrets of 3 or more characters, raw and percent-decoded, wherever they occur.
/// (A 1-2 character secret is only masked inside URLs: replacing "12" everywhere would wreck the
/// text, and such a password guards nothing.) Then every URL in the text, as mask_credentials does;
/// one whose password holds spaces or quotes runs to the last '@' of its line. Without the source, a
/// password holding a line break cannot be told from the end of a line: callers pass the source.
/// Mask before cutting: a cut can split a secret so that no masker recognises it.
std::string mask_text(std::string_view text, std::string_view source_url = {});

/// Every occurrence of `secret` in `text` becomes "***" (left to right, never inside a replacement);
/// one under 3 characters is left, as in mask_text. True if one was found. For secrets that are no URL's.
bool mask_secret(std::string& text, std::string_view secret);

/// `error` with its message and detail passed through mask_text against `source_url`.
Error masked_error(Error error, std::string_view source_url);

}  // namespace ptzgrab
