#include <doctest/doctest.h>

#include <algorithm>

#include "core/grab_request.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> argv_for(const GrabRequest& request) {
    auto argv = build_grab_argv("/usr/bin/ffmpeg", request, "/tmp/x/frame.jpg");
    REQUIRE(argv.has_value());
    return *argv;
}

// The value that follows `flag` in argv, or "" when the flag is absent.
std::string value_of(const std::vector<std::string>& argv, const std::string& flag) {
    auto it = std::find(argv.begin(), argv.end(), flag);
    return it != argv.end() && it + 1 != argv.end() ? *(it + 1) : "";
}

}  // namespace

TEST_CASE("grab argv: ffmpeg itself is argv[0] and the frame options are all there, no shell") {
    auto argv = argv_for({.url = "rtsp://cam/s"});
    CHECK(argv.front() == "/usr/bin/ffmpeg");
    CHECK(std::find(argv.begin(), argv.end(), "-c") == argv.end());
    CHECK(std::find(argv.begin(), argv.end(), "-nostdin") != argv.end());
    CHECK(value_of(argv, "-frames:v") == "1");
    CHECK(value_of(argv, "-q:v") == "2");
    CHECK(value_of(argv, "-i") == "rtsp://cam/s");
    CHECK(argv.back() == "/tmp/x/frame.jpg");
}

TEST_CASE("grab argv: every source kind gets a protocol whitelist that fits it") {
    auto rtsp = argv_for({.url = "rtsp://cam/s"});
    CHECK(value_of(rtsp, "-protocol_whitelist").find("rtsp") != std::string::npos);
    auto hls = argv_for({.url = "https://cam/live.m3u8"});
    std::string hls_list = value_of(hls, "-protocol_whitelist");
    CHECK(hls_list.find("https") != std::string::npos);
    CHECK(hls_list.find("file") == std::string::npos);  // a playlist must not reach local files
    auto file = argv_for({.url = "/srv/clip.mp4"});
    CHECK(value_of(file, "-protocol_whitelist") == "file");
    CHECK(protocol_whitelist(SourceKind::http).find("file") == std::string_view::npos);
    CHECK(protocol_whitelist(SourceKind::rtsp).find("file") == std::string_view::npos);
}

TEST_CASE("grab argv: a local path is passed as a file: URL, never as an option") {
    auto argv = argv_for({.url = "-evil.mp4"});
    CHECK(value_of(argv, "-i") == "file:-evil.mp4");
}

TEST_CASE("grab argv: an upper-case scheme reaches ffmpeg in lower case, which is all ffmpeg 5.1 accepts") {
    CHECK(value_of(argv_for({.url = "RTSP://Admin:PW@Cam:554/S"}), "-i") == "rtsp://Admin:PW@Cam:554/S");
    CHECK(value_of(argv_for({.url = "Rtsps://cam/s"}), "-i") == "rtsps://cam/s");
    CHECK(value_of(argv_for({.url = "HTTP://cam/v.mjpg"}), "-i") == "http://cam/v.mjpg");
    CHECK(value_of(argv_for({.url = "HTTPS://cam/Live.M3U8"}), "-i") == "https://cam/Live.M3U8");
    CHECK(value_of(argv_for({.url = "FILE:/srv/clip.mp4"}), "-i") == "file:/srv/clip.mp4");
}

TEST_CASE("grab argv: RTSP transport is TCP by default and switchable to UDP") {
    CHECK(value_of(argv_for({.url = "rtsp://cam/s"}), "-rtsp_transport") == "tcp");
    CHECK(value_of(argv_for({.url = "rtsp://cam/s", .rtsp_transport = RtspTransport::udp}), "-rtsp_transport") == "udp");
    CHECK(value_of(argv_for({.url = "http://cam/v.mjpg"}), "-rtsp_transport").empty());
}

TEST_CASE("grab argv: network sources get ffmpeg's own socket timeout inside the deadline") {
    auto rtsp = argv_for({.url = "rtsp://cam/s", .timeout = 2000ms});
    long us = std::stol(value_of(rtsp, "-timeout"));
    CHECK(us > 0);
    CHECK(us < 2'000'000);
    auto http = argv_for({.url = "http://cam/v.mjpg", .timeout = 10'000ms});
    CHECK(std::stol(value_of(http, "-rw_timeout")) < 10'000'000);
    CHECK(value_of(argv_for({.url = "/srv/clip.mp4"}), "-rw_timeout").empty());
}

TEST_CASE("grab argv: live sources get short probing, files keep the defaults") {
    CHECK(value_of(argv_for({.url = "rtsp://cam/s"}), "-probesize") == "32768");
    CHECK(value_of(argv_for({.url = "rtsp://cam/s", .short_probe = false}), "-probesize").empty());
    CHECK(value_of(argv_for({.url = "/srv/clip.mp4"}), "-analyzeduration").empty());
}

TEST_CASE("grab argv: one decoder thread, so the first picture is not held back by frame threading") {
    CHECK(value_of(argv_for({.url = "rtsp://cam/s"}), "-threads") == "1");
    CHECK(value_of(argv_for({.url = "/srv/clip.mp4"}), "-threads") == "1");
}

TEST_CASE("grab argv: a live HLS grab starts at the newest segment") {
    CHECK(value_of(argv_for({.url = "https://cam/live.m3u8"}), "-live_start_index") == "-1");
    CHECK(value_of(argv_for({.url = "http://cam/v.mjpg"}), "-live_start_index").empty());
}

TEST_CASE("grab argv: warm-up skips seconds of the stream") {
    CHECK(value_of(argv_for({.url = "rtsp://cam/s", .warmup = 1500ms}), "-ss") == "1.500");
    CHECK(value_of(argv_for({.url = "rtsp://cam/s"}), "-ss").empty());
}

TEST_CASE("grab argv: the demo source is ffmpeg's lavfi and unsupported URLs are refused") {
    auto lavfi = argv_for({.url = "lavfi:testsrc2=size=320x240"});
    CHECK(value_of(lavfi, "-f") == "lavfi");
    CHECK(value_of(lavfi, "-i") == "testsrc2=size=320x240");
    auto bad = build_grab_argv("ffmpeg", {.url = "concat:/etc/passwd|x"}, "/tmp/o.jpg");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == ErrorKind::invalid_input);
}
