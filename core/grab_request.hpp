#pragma once
// What one grab asks of ffmpeg, and the exact argv it becomes.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "url.hpp"

namespace ptzgrab {

enum class RtspTransport { tcp, udp };

constexpr std::chrono::milliseconds default_grab_timeout{10'000};

struct GrabRequest {
    std::string url;
    std::chrono::milliseconds timeout = default_grab_timeout;
    RtspTransport rtsp_transport = RtspTransport::tcp;  // TCP survives NAT and lossy Wi-Fi
    std::chrono::milliseconds warmup{0};  // skip the first frames: cameras that just woke up are dark
    bool short_probe = true;  // live sources: start decoding after a short probe (see grab_request.cpp)

    bool operator==(const GrabRequest&) const = default;  // a reload keeps a source whose settings are equal
};

/// The protocols ffmpeg may open for a source of this kind; a playlist from the
/// network must not be able to reach local files.
std::string_view protocol_whitelist(SourceKind kind);

/// ffmpeg's own socket timeout: a little inside the deadline, so a dead host
/// ends with ffmpeg's message rather than a kill.
std::chrono::milliseconds socket_timeout(std::chrono::milliseconds deadline);

/// The input half of an ffmpeg argv, shared by one-shot grabs and live children: the protocol
/// whitelist, transport, socket timeouts and short probe of `kind`, then `decoder_options`
/// (e.g. "-skip_frame nokey"), then "-i" and the input.
void append_input_arguments(std::vector<std::string>& argv, SourceKind kind, const GrabRequest& request,
                            const std::vector<std::string>& decoder_options = {});

/// The whole argv (argv[0] = ffmpeg) that writes one JPEG of `request` to `output`.
Result<std::vector<std::string>> build_grab_argv(const std::string& ffmpeg, const GrabRequest& request,
                                                 const std::string& output);

}  // namespace ptzgrab
