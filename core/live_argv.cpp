// build_live_argv (declared in live_stream.hpp): the argv of a live child, its input half shared
// with one-shot grabs (grab_request.hpp).
#include <cstdio>

#include "live_stream.hpp"

namespace ptzgrab {
namespace {

std::string fps_text(double fps) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", fps);
    return text;
}

}  // namespace

Result<std::vector<std::string>> build_live_argv(const std::string& ffmpeg, const GrabRequest& request,
                                                 LiveDecode decode, double fps, LiveArgvTweaks tweaks) {
    SourceKind kind = classify_source(request.url);
    if (kind == SourceKind::unsupported)
        return make_error(ErrorKind::invalid_input, "unsupported source URL: " + mask_credentials(request.url));
    if (!(fps > 0) || fps > 1000) return make_error(ErrorKind::invalid_input, "live fps must be in (0, 1000]");
    // An HTTP source is most often MJPEG: its pictures already are JPEGs, copied as they come.
    bool copy = kind == SourceKind::http && !tweaks.reencode_http;
    std::vector<std::string> argv = {ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"};
    // Local inputs are read at their own pace, as a camera would send them.
    if (kind == SourceKind::file) argv.insert(argv.end(), {"-re", "-stream_loop", "-1"});
    if (kind == SourceKind::lavfi) argv.insert(argv.end(), {"-re"});
    std::vector<std::string> decoder;
    if (!copy && decode == LiveDecode::keyframes) decoder = {"-skip_frame", "nokey", "-flags", "low_delay"};
    // Intra-refresh streams never "recover" in ffmpeg's eyes: show their pictures anyway.
    if (!copy && tweaks.show_damaged_frames) decoder.insert(decoder.end(), {"-flags2", "showall"});
    append_input_arguments(argv, kind, request, decoder);
    argv.insert(argv.end(), {"-an", "-sn", "-dn"});
    if (copy) {
        argv.insert(argv.end(), {"-c:v", "copy"});
    } else if (decode == LiveDecode::keyframes) {
        argv.insert(argv.end(), {"-fps_mode", "passthrough", "-c:v", "mjpeg", "-q:v", "2"});
    } else {
        argv.insert(argv.end(), {"-vf", "fps=" + fps_text(fps), "-c:v", "mjpeg", "-q:v", "2"});
    }
    // A frame-threaded encoder gives each picture out only when the next one comes in: with
    // keyframes only, a whole GOP late (measured: first frame 1.6-1.9 s, with one thread 0.4-0.7 s).
    if (!copy) argv.insert(argv.end(), {"-threads", "1"});
    argv.insert(argv.end(), {"-f", "image2pipe", "pipe:1"});
    return argv;
}

}  // namespace ptzgrab
