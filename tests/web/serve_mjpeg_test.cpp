// /stream/mjpeg and the live answers of `ptzgrab serve`, over real loopback sockets, against a real
// RTSP source held open ("live": "always").
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <set>

#include "core/frame.hpp"
#include "http_client.hpp"
#include "mjpeg_viewer.hpp"
#include "serve_process.hpp"
#include "support/eventually.hpp"

using namespace ptzgrab::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string live_source(const std::string& name, const std::string& url, const std::string& mode = "always") {
    return "{\"name\": \"" + name + "\", \"url\": \"" + url + "\", \"live\": \"" + mode + "\", \"timeout_s\": 10}";
}

std::vector<std::string> serve_args(const ScratchDir& dir, const std::string& sources,
                                    std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--config", write_config(dir, "[" + sources + "]").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

boost::json::object cache_entry(int port, const std::string& name) {
    auto json = boost::json::parse(http_get(port, "/stream/cache").body).as_object();
    for (const auto& s : json.at("sources").as_array())
        if (s.at("name").as_string() == name) return s.as_object();
    return {};
}

int mjpeg_viewers(int port) {
    auto json = boost::json::parse(http_get(port, "/stream/cache").body).as_object();
    return static_cast<int>(json.at("mjpeg_viewers").to_number<int64_t>());
}

uint64_t sequence_of(const MjpegPart& part) { return std::stoull(part.headers.at("x-frame-sequence")); }

}  // namespace

TEST_CASE("mjpeg: ffmpeg reads /stream/mjpeg as an mpjpeg client and decodes several frames") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url())));
    auto out = dir / "frame_%02d.jpg";
    auto result = run_command({"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "mpjpeg", "-i",
                               "http://127.0.0.1:" + std::to_string(serve.port()) + "/stream/mjpeg?source=cam",
                               "-frames:v", "3", "-y", out.string()},
                              {}, 60s);
    INFO(result.err);
    INFO(serve.log());
    CHECK(result.exit_code == 0);
    for (const char* name : {"frame_01.jpg", "frame_02.jpg", "frame_03.jpg"}) CHECK(fs::exists(dir / name));
}

TEST_CASE("mjpeg: the answer is multipart/x-mixed-replace, each part a whole JPEG with its length, time and a "
          "sequence that grows; a snapshot of the live source says X-Cache: live") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url())));
    MjpegViewer viewer(serve.port(), "/stream/mjpeg?source=cam");
    REQUIRE(viewer.read_head() == 200);
    CHECK(viewer.header("content-type") == "multipart/x-mixed-replace; boundary=ptzgrab-mjpeg-boundary");
    CHECK(contains(viewer.header("cache-control"), "no-store"));
    CHECK(viewer.header("content-length").empty());
    uint64_t last = 0;
    for (int i = 0; i < 3; ++i) {
        auto part = viewer.read_part();
        REQUIRE(part);
        CHECK(part->headers["content-type"] == "image/jpeg");
        CHECK(std::stoul(part->headers["content-length"]) == part->body.size());
        CHECK(!part->headers["x-timestamp"].empty());
        CHECK(!part->headers["x-frame-grabbed-at"].empty());
        CHECK(is_jpeg(part->body));
        CHECK(sequence_of(*part) > last);
        last = sequence_of(*part);
    }

    auto snap = http_get(serve.port(), "/stream/snapshot?source=cam");
    CHECK(snap.status == 200);
    CHECK(snap.header("x-cache") == "live");
    CHECK(!snap.header("x-frame-sequence").empty());
    auto latest = http_get(serve.port(), "/latest.jpg");
    CHECK(latest.status == 200);
    CHECK(latest.header("x-cache") == "live");
}

TEST_CASE("mjpeg: a viewer that never reads does not delay another viewer") {
    RtspSource rtsp;
    ScratchDir dir;
    // fps=10 asks for every frame, so the stalled viewer's buffers fill within seconds.
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url())));
    MjpegViewer stalled(serve.port(), "/stream/mjpeg?source=cam&fps=10", 4096);
    MjpegViewer reader(serve.port(), "/stream/mjpeg?source=cam&fps=10");
    REQUIRE(reader.read_head() == 200);
    uint64_t last = 0;
    for (int i = 0; i < 15; ++i) {  // well past what the stalled viewer's socket buffers hold
        auto part = reader.read_part(10s);
        REQUIRE(part);
        CHECK(sequence_of(*part) > last);
        last = sequence_of(*part);
    }
    CHECK(mjpeg_viewers(serve.port()) == 2);  // the stalled one is still there (the write timeout is 30 s)
}

TEST_CASE("mjpeg: a viewer stalled past the write timeout is closed, and its place is given back") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url()), {"--write-timeout", "1"}));
    MjpegViewer stalled(serve.port(), "/stream/mjpeg?source=cam&fps=10", 4096);
    REQUIRE(eventually([&] { return mjpeg_viewers(serve.port()) == 1; }, 10s));
    CHECK(eventually([&] { return mjpeg_viewers(serve.port()) == 0; }, 30s));
    CHECK(stalled.wait_closed(10s));
}

TEST_CASE("mjpeg: viewers past the caps get 503 with Retry-After; a viewer that leaves frees its place") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url()) + ", " + live_source("cam2", rtsp.url()),
                                  {"--max-viewers-per-source", "1", "--max-viewers", "2"}));
    int port = serve.port();
    auto first = std::make_unique<MjpegViewer>(port, "/stream/mjpeg?source=cam");
    REQUIRE(first->read_head() == 200);
    auto refused = http_get(port, "/stream/mjpeg?source=cam");
    CHECK(refused.status == 503);
    CHECK(!refused.header("retry-after").empty());
    CHECK(contains(refused.body, "too many viewers of cam"));

    MjpegViewer other(port, "/stream/mjpeg?source=cam2");
    REQUIRE(other.read_head() == 200);
    MjpegViewer third(port, "/stream/mjpeg?source=cam2");
    CHECK(third.read_head() == 503);  // both caps full now

    // Snapshots are not viewers: they still answer.
    CHECK(http_get(port, "/stream/snapshot?source=cam").status == 200);

    first.reset();  // leaves: its place is given back once the server notices (its next write fails)
    CHECK(eventually([&] { return mjpeg_viewers(port) == 1; }, 20s));
    MjpegViewer again(port, "/stream/mjpeg?source=cam");
    CHECK(again.read_head() == 200);
}

TEST_CASE("mjpeg: an unknown source is 404 and a source that is not live is 409 with a one-line reason") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url(), "off")));
    auto unknown = http_get(serve.port(), "/stream/mjpeg?source=nope");
    CHECK(unknown.status == 404);
    auto off = http_get(serve.port(), "/stream/mjpeg?source=cam");
    CHECK(off.status == 409);
    CHECK(contains(off.body, "not live"));
    CHECK(off.body.find('\n') == off.body.size() - 1);
}

TEST_CASE("mjpeg: SIGTERM ends every stream at once, well inside a long shutdown grace") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url()), {"--shutdown-grace", "120"}));
    MjpegViewer viewer(serve.port(), "/stream/mjpeg?source=cam");
    REQUIRE(viewer.read_head() == 200);
    REQUIRE(viewer.read_part());
    REQUIRE(serve.signal(SIGTERM));
    // Without the stop, the server would wait out the grace (120 s) for the viewer to leave.
    CHECK(serve.wait_exit(60s) == 0);
    CHECK(viewer.wait_closed(5s));
}

TEST_CASE("live snapshot: max_age_ms waits for a frame younger than asked; bad values are 400") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url())));
    int port = serve.port();
    auto first = http_get(port, "/stream/snapshot?source=cam");
    REQUIRE(first.status == 200);
    uint64_t before = std::stoull(first.header("x-frame-sequence"));
    auto fresh = http_get(port, "/stream/snapshot?source=cam&max_age_ms=1");
    REQUIRE(fresh.status == 200);
    CHECK(std::stoull(fresh.header("x-frame-sequence")) > before);
    CHECK(std::stoll(fresh.header("x-frame-age-ms")) < 1000);  // one keyframe interval of this source at most
    for (const char* bad : {"-1", "abc", "1.5", "", "86400001"})
        CHECK(http_get(port, std::string("/stream/snapshot?source=cam&max_age_ms=") + bad).status == 400);
}

TEST_CASE("live status: /stream/cache, /stream/info and /metrics show the stream's mode, state and counters") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url())));
    int port = serve.port();
    REQUIRE(eventually([&] {
        auto live = cache_entry(port, "cam").at("live");
        return live.is_object() && live.at("frames").to_number<int64_t>() >= 2;
    }, 30s));
    MjpegViewer viewer(port, "/stream/mjpeg?source=cam");
    REQUIRE(viewer.read_head() == 200);
    REQUIRE(viewer.read_part());
    auto live = cache_entry(port, "cam").at("live").as_object();
    CHECK(live.at("mode").as_string() == "always");
    CHECK(live.at("state").as_string() == "running");
    CHECK(live.at("restarts").to_number<int64_t>() == 0);
    CHECK(live.at("last_frame_age_ms").is_number());
    CHECK(live.at("viewers").to_number<int64_t>() == 1);
    CHECK(live.at("child_cpu_seconds").is_number());
    CHECK(live.at("fell_back_to_all_frames").as_bool() == false);
    CHECK(live.contains("keyframe_interval_ms"));

    auto info = boost::json::parse(http_get(port, "/stream/info").body).as_object();
    auto source = info.at("sources").as_array().at(0).as_object();
    CHECK(source.at("live_options").at("mode").as_string() == "always");
    CHECK(source.at("live").at("state").as_string() == "running");

    auto metrics = http_get(port, "/metrics").body;
    CHECK(contains(metrics, "ptzgrab_live_state{source=\"cam\",mode=\"always\",state=\"running\"} 1"));
    CHECK(contains(metrics, "ptzgrab_live_frames_total{source=\"cam\"} "));
    CHECK(contains(metrics, "ptzgrab_live_restarts_total{source=\"cam\"} 0"));
    CHECK(contains(metrics, "ptzgrab_live_viewers{source=\"cam\"} 1"));
    CHECK(contains(metrics, "ptzgrab_live_child_cpu_seconds_total{source=\"cam\"} "));
}

TEST_CASE("mjpeg: a viewer of a source whose server stopped gets no repeated parts, only new frames") {
    RtspSource rtsp;
    ScratchDir dir;
    ServeProcess serve(serve_args(dir, live_source("cam", rtsp.url())));
    int port = serve.port();
    MjpegViewer viewer(port, "/stream/mjpeg?source=cam");
    REQUIRE(viewer.read_head() == 200);
    auto first = viewer.read_part();
    REQUIRE(first);
    rtsp.stop();  // the camera goes away
    REQUIRE(eventually([&] {
        auto live = cache_entry(port, "cam").at("live");
        return live.is_object() && live.at("state").as_string() != "running";
    }, 30s));
    // A few seconds with the source down: at most one frame still on its way, never the old one again.
    std::set<uint64_t> sequences{sequence_of(*first)};
    int parts = 0, repeated = 0;
    auto until = std::chrono::steady_clock::now() + 3s;
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
        auto part = viewer.read_part(std::chrono::duration_cast<std::chrono::milliseconds>(until - now) + 1ms);
        if (!part) break;
        ++parts;
        if (!sequences.insert(sequence_of(*part)).second) ++repeated;
    }
    INFO(serve.log());
    CHECK(repeated == 0);
    CHECK(parts <= 1);
}

TEST_CASE("mjpeg: a viewer that leaves while the source is down is noticed, and its place is given back") {
    ScratchDir dir;
    // Nothing listens on port 1: the stream never gets a frame, so no write ever fails for the server.
    ServeProcess serve(serve_args(dir, live_source("cam", "rtsp://127.0.0.1:1/down"), {"--max-viewers-per-source", "1"}));
    int port = serve.port();
    auto viewer = std::make_unique<MjpegViewer>(port, "/stream/mjpeg?source=cam");
    REQUIRE(viewer->read_head() == 200);
    REQUIRE(eventually([&] { return mjpeg_viewers(port) == 1; }, 10s));
    CHECK(http_get(port, "/stream/mjpeg?source=cam").status == 503);
    viewer->close();
    CHECK(eventually([&] { return mjpeg_viewers(port) == 0; }, 5s));
    MjpegViewer again(port, "/stream/mjpeg?source=cam");
    CHECK(again.read_head() == 200);
}
