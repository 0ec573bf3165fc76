#include <doctest/doctest.h>

#include <algorithm>

#include "core/live_options.hpp"
#include "core/live_stream.hpp"

namespace ptzgrab {
namespace {

using Argv = std::vector<std::string>;

ptrdiff_t index_of(const Argv& argv, const std::string& word) {
    auto it = std::find(argv.begin(), argv.end(), word);
    return it == argv.end() ? -1 : it - argv.begin();
}

bool has_pair(const Argv& argv, const std::string& option, const std::string& value) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == option && argv[i + 1] == value) return true;
    return false;
}

Argv live_argv(const std::string& url, LiveDecode decode, double fps = 1, LiveArgvTweaks tweaks = {}) {
    GrabRequest request;
    request.url = url;
    auto argv = build_live_argv("/usr/bin/ffmpeg", request, decode, fps, tweaks);
    REQUIRE(argv.has_value());
    return *argv;
}

}  // namespace

TEST_CASE("live argv: keyframe mode skips non-key frames before the input and writes JPEGs to stdout") {
    Argv argv = live_argv("rtsp://cam/stream", LiveDecode::keyframes);
    ptrdiff_t input = index_of(argv, "-i");
    REQUIRE(input > 0);
    CHECK(argv[input + 1] == "rtsp://cam/stream");
    ptrdiff_t skip = index_of(argv, "-skip_frame");
    CHECK((skip > 0 && skip < input && argv[skip + 1] == "nokey"));
    CHECK(has_pair(argv, "-fps_mode", "passthrough"));
    CHECK(has_pair(argv, "-threads", "1"));
    CHECK(has_pair(argv, "-rtsp_transport", "tcp"));
    CHECK(has_pair(argv, "-protocol_whitelist", std::string(protocol_whitelist(SourceKind::rtsp))));
    CHECK(index_of(argv, "-analyzeduration") > 0);
    CHECK(has_pair(argv, "-c:v", "mjpeg"));
    CHECK(has_pair(argv, "-f", "image2pipe"));
    CHECK(argv.back() == "pipe:1");
    CHECK(index_of(argv, "-frames:v") < 0);  // held open, not one frame
    // One encoder thread too (after -i): a frame-threaded encoder holds each picture until the next.
    auto output_threads = std::find(argv.begin() + input, argv.end(), "-threads");
    REQUIRE(output_threads != argv.end());
    CHECK(*(output_threads + 1) == "1");
}

TEST_CASE("live argv: all-frames mode decodes every frame and thins them with an fps filter") {
    Argv argv = live_argv("rtsp://cam/stream", LiveDecode::all, 2.5);
    CHECK(index_of(argv, "-skip_frame") < 0);
    CHECK(has_pair(argv, "-vf", "fps=2.5"));
    CHECK(index_of(argv, "-flags2") < 0);
    Argv fallback = live_argv("rtsp://cam/stream", LiveDecode::all, 1, {.show_damaged_frames = true});
    CHECK(has_pair(fallback, "-flags2", "showall"));
}

TEST_CASE("live argv: an HTTP MJPEG source is copied, an HLS one starts at the newest segment") {
    Argv mjpeg = live_argv("http://cam/video.mjpg", LiveDecode::keyframes);
    CHECK(has_pair(mjpeg, "-c:v", "copy"));
    CHECK(index_of(mjpeg, "-skip_frame") < 0);
    Argv reencoded = live_argv("http://cam/video.ts", LiveDecode::keyframes, 1, {.reencode_http = true});
    CHECK(has_pair(reencoded, "-c:v", "mjpeg"));
    Argv hls = live_argv("https://cam/live.m3u8", LiveDecode::keyframes);
    CHECK(has_pair(hls, "-live_start_index", "-1"));
    CHECK(has_pair(hls, "-c:v", "mjpeg"));
}

TEST_CASE("live argv: a bad URL or rate is refused with the URL masked") {
    GrabRequest request;
    request.url = "gopher://user:hunter22@cam/";
    auto refused = build_live_argv("ffmpeg", request, LiveDecode::keyframes, 1);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == ErrorKind::invalid_input);
    CHECK(refused.error().message.find("hunter22") == std::string::npos);
    request.url = "rtsp://cam/";
    CHECK_FALSE(build_live_argv("ffmpeg", request, LiveDecode::all, 0).has_value());
}

TEST_CASE("live options: modes and decodings read back from their names, and nothing else") {
    for (LiveMode mode : {LiveMode::off, LiveMode::on_demand, LiveMode::always})
        CHECK(parse_live_mode(to_string(mode)) == mode);
    for (LiveDecode decode : {LiveDecode::keyframes, LiveDecode::all})
        CHECK(parse_live_decode(to_string(decode)) == decode);
    CHECK(to_string(LiveMode::on_demand) == "on_demand");
    CHECK_FALSE(parse_live_mode("On_Demand").has_value());
    CHECK_FALSE(parse_live_mode("").has_value());
    CHECK_FALSE(parse_live_decode("keyframe").has_value());
}

}  // namespace ptzgrab
