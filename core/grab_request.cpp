#include "grab_request.hpp"

#include <algorithm>

namespace ptzgrab {
namespace {

using namespace std::chrono_literals;

std::string socket_timeout_us(std::chrono::milliseconds deadline) {
    return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(socket_timeout(deadline)).count());
}

std::string seconds(std::chrono::milliseconds ms) {
    std::string s = std::to_string(ms.count() / 1000) + "." + std::to_string(ms.count() % 1000 + 1000).substr(1);
    return s;
}

void add_input_options(std::vector<std::string>& argv, SourceKind kind, const GrabRequest& request) {
    switch (kind) {
    case SourceKind::rtsp:
        argv.insert(argv.end(), {"-rtsp_transport", request.rtsp_transport == RtspTransport::udp ? "udp" : "tcp",
                                 "-timeout", socket_timeout_us(request.timeout)});
        break;
    case SourceKind::hls:
        // The newest segment, not the third from the end: a frame 2-3 s fresher, at the same cost.
        argv.insert(argv.end(), {"-rw_timeout", socket_timeout_us(request.timeout), "-live_start_index", "-1"});
        break;
    case SourceKind::http:
        argv.insert(argv.end(), {"-rw_timeout", socket_timeout_us(request.timeout)});
        break;
    case SourceKind::lavfi:
        argv.insert(argv.end(), {"-f", "lavfi"});
        break;
    case SourceKind::file:
    case SourceKind::unsupported:
        break;
    }
    // Live sources: the stream parameters (RTSP's SDP, the first keyframe) are known long before
    // ffmpeg's default probe (5 s, 5 MB) ends. Measured on loopback RTSP, 9 runs each: 640x360
    // 10 fps 300 kb/s, 3.3 s -> 0.72 s; 1080p25, 2.2 s -> 0.71 s; the frames' PSNR against a
    // reference was no lower. A camera whose stream needs more gets a second try with the
    // defaults (Grabber).
    if (is_network(kind) && request.short_probe)
        argv.insert(argv.end(), {"-analyzeduration", "100000", "-probesize", "32768", "-fpsprobesize", "0"});
    if (kind != SourceKind::lavfi) {
        // Frame-threaded decoding holds the first picture back until every thread has one;
        // for a single frame one decoder thread answers sooner.
        argv.insert(argv.end(), {"-threads", "1"});
        argv.insert(argv.end(), {"-protocol_whitelist", std::string(protocol_whitelist(kind))});
    }
}

std::string input_argument(SourceKind kind, const std::string& url) {
    if (kind == SourceKind::lavfi) return url.substr(url.find(':') + 1);
    // ptzgrab takes "RTSP://" or "File:" in any case; ffmpeg 5.1 only in lower case.
    std::string input = with_lower_case_scheme(url);
    // A local path must never be read as an option or another protocol.
    if (kind == SourceKind::file && !input.starts_with("file:")) return "file:" + input;
    return input;
}

}  // namespace

void append_input_arguments(std::vector<std::string>& argv, SourceKind kind, const GrabRequest& request,
                            const std::vector<std::string>& decoder_options) {
    add_input_options(argv, kind, request);
    argv.insert(argv.end(), decoder_options.begin(), decoder_options.end());
    argv.insert(argv.end(), {"-i", input_argument(kind, request.url)});
}

std::chrono::milliseconds socket_timeout(std::chrono::milliseconds deadline) {
    return std::max<std::chrono::milliseconds>(500ms, deadline - std::min<std::chrono::milliseconds>(deadline / 5, 1000ms));
}

std::string_view protocol_whitelist(SourceKind kind) {
    switch (kind) {
    case SourceKind::rtsp: return "rtsp,rtsps,rtp,srtp,udp,tcp,tls";
    case SourceKind::hls: return "http,https,tcp,tls,crypto,httpproxy";
    case SourceKind::http: return "http,https,tcp,tls,httpproxy";
    case SourceKind::file: return "file";
    case SourceKind::lavfi:
    case SourceKind::unsupported: return "";
    }
    return "";
}

Result<std::vector<std::string>> build_grab_argv(const std::string& ffmpeg, const GrabRequest& request,
                                                 const std::string& output) {
    SourceKind kind = classify_source(request.url);
    if (kind == SourceKind::unsupported)
        return make_error(ErrorKind::invalid_input, "unsupported source URL: " + mask_credentials(request.url) +
                                                        " (use rtsp://, http(s)://, an .m3u8 URL or a file path)");
    std::vector<std::string> argv = {ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"};
    append_input_arguments(argv, kind, request);
    if (request.warmup > 0ms) argv.insert(argv.end(), {"-ss", seconds(request.warmup)});
    argv.insert(argv.end(), {"-an", "-sn", "-frames:v", "1", "-q:v", "2", "-f", "image2", output});
    return argv;
}

}  // namespace ptzgrab
