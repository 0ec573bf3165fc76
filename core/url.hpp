#pragma once
// What kind of source a URL names, and how to show it without its secrets.
#include <string>
#include <string_view>

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

SourceKind classify_source(std::string_view url);

/// Network kinds are the only ones a remote HTTP caller may ask for with ?url=.
bool is_network(SourceKind kind);

/// The password in the userinfo and secret-looking query values become "***".
/// Every URL that is printed, logged, rendered or returned goes through this.
std::string mask_credentials(std::string_view url);

/// Masks every URL inside free text (ffmpeg's stderr quotes the URL it opened),
/// and any literal occurrence of the password of `source_url`.
std::string mask_text(std::string_view text, std::string_view source_url = {});

}  // namespace ptzgrab
