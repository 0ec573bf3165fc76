// /stream/mjpeg's admission, its part format, the viewer caps, the live headers and status, and the
// view page's MJPEG panel: pure, without sockets (serve_mjpeg_test.cpp runs them over sockets).
#include <doctest/doctest.h>

#include "core/frame_cache.hpp"
#include "router_fixture.hpp"
#include "web/frame_stream.hpp"
#include "web/metrics.hpp"
#include "web/responses.hpp"
#include "web/view_page.hpp"
#include "web/viewers.hpp"

using namespace std::chrono_literals;
using ptzgrab::testing::RouterFixture;
namespace web = ptzgrab::web;
namespace http = web::http;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
std::string body(const web::Response& r) { return std::string(web::body_view(r)); }

ptzgrab::Snapshot snapshot_with(bool stale, bool refreshing, bool live, bool from_cache) {
    ptzgrab::Snapshot s;
    s.stale = stale;
    s.refreshing = refreshing;
    s.live = live;
    s.from_cache = from_cache;
    s.sequence = 42;
    return s;
}

}  // namespace

TEST_CASE("mjpeg route: an unknown source is 404, a one-shot source 409, a bad fps 400") {
    RouterFixture f;  // cam1: live off
    CHECK(f.get("/stream/mjpeg?source=nope").result() == http::status::not_found);
    auto off = f.get("/stream/mjpeg?source=cam1");
    CHECK(off.result() == http::status::conflict);
    CHECK(contains(body(off), "not live (live: off)"));
    for (const char* fps : {"0", "-1", "abc", "31", "", "nan"})
        CHECK(f.get(std::string("/stream/mjpeg?source=cam1&fps=") + fps).result() == http::status::bad_request);
    CHECK(f.call("POST", "/stream/mjpeg?source=cam1").result() == http::status::method_not_allowed);
}

TEST_CASE("mjpeg route: a live source in a server without live streams is 409, and no viewer place is kept") {
    auto live = RouterFixture::source("cam1");
    live.live.mode = ptzgrab::LiveMode::on_demand;
    RouterFixture f({live});  // enable_live() never called: watch() gives no lease
    auto r = f.get("/stream/mjpeg?source=cam1");
    CHECK(r.result() == http::status::conflict);
    CHECK(f.context.viewers.watching() == 0);
}

TEST_CASE("snapshot: max_age_ms must be an integer from 0 to a day") {
    RouterFixture f;
    for (const char* bad : {"-1", "abc", "1.5", "", "86400001"}) {
        auto r = f.get(std::string("/stream/snapshot?max_age_ms=") + bad);
        CHECK(r.result() == http::status::bad_request);
        CHECK(contains(body(r), "max_age_ms"));
    }
    CHECK(f.get("/stream/snapshot?max_age_ms=5000").result() == http::status::ok);
}

TEST_CASE("viewers: caps per source and in total; a ticket gives its place back; stop ends and refuses") {
    web::Viewers viewers({.per_source = 2, .total = 3});
    auto a1 = viewers.admit("a");
    auto a2 = viewers.admit("a");
    REQUIRE(a1.ticket);
    REQUIRE(a2.ticket);
    CHECK(viewers.admit("a").refused == web::Viewers::Refused::source_full);
    auto b1 = viewers.admit("b");
    REQUIRE(b1.ticket);
    CHECK(viewers.admit("b").refused == web::Viewers::Refused::server_full);
    CHECK(viewers.watching("a") == 2);
    CHECK(viewers.watching() == 3);
    a1.ticket.reset();
    CHECK(viewers.watching("a") == 1);
    auto a3 = viewers.admit("a");
    CHECK(a3.ticket);

    int stopped = 0;
    auto lease = std::make_shared<int>(7);
    a2.ticket->on_stop([&] { ++stopped; });
    a2.ticket->hold(lease);
    b1.ticket->on_stop([&] { ++stopped; });
    CHECK(lease.use_count() == 2);
    viewers.stop_all();
    CHECK(stopped == 2);
    CHECK(lease.use_count() == 1);  // the cache's lease is let go at the stop, before the connections end
    CHECK(viewers.admit("c").refused == web::Viewers::Refused::stopping);
    a3.ticket->on_stop([&] { ++stopped; });  // registered after the stop: runs at once
    CHECK(stopped == 3);
}

TEST_CASE("mjpeg: a part carries its boundary, type, exact length, timestamps and sequence") {
    auto s = snapshot_with(false, false, true, false);
    s.jpeg = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>(1234, 0xff));
    s.frame.grabbed_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
    std::string h = web::mjpeg_part_header(s);
    CHECK(h.starts_with("--ptzgrab-mjpeg-boundary\r\nContent-Type: image/jpeg\r\n"));
    CHECK(contains(h, "\r\nContent-Length: 1234\r\n"));
    CHECK(contains(h, "\r\nX-Timestamp: 1700000000.123\r\n"));
    CHECK(contains(h, "\r\nX-Frame-Grabbed-At: 2023-11-14T22:13:20.123Z\r\n"));
    CHECK(h.ends_with("\r\nX-Frame-Sequence: 42\r\n\r\n"));
    auto head = web::mjpeg_head();
    CHECK(head[http::field::content_type] == "multipart/x-mixed-replace; boundary=ptzgrab-mjpeg-boundary");
    CHECK(contains(std::string(head[http::field::cache_control]), "no-store"));
}

TEST_CASE("headers: X-Cache is stale before refreshing before live before hit or miss; live frames carry their sequence") {
    CHECK(web::cache_state(snapshot_with(true, true, true, true)) == "stale");
    CHECK(web::cache_state(snapshot_with(false, true, true, true)) == "refreshing");
    CHECK(web::cache_state(snapshot_with(false, false, true, true)) == "live");
    CHECK(web::cache_state(snapshot_with(false, false, false, true)) == "hit");
    CHECK(web::cache_state(snapshot_with(false, false, false, false)) == "miss");
    web::Response live{http::status::ok, 11}, one_shot{http::status::ok, 11};
    web::set_frame_headers(live, snapshot_with(false, false, true, false));
    web::set_frame_headers(one_shot, snapshot_with(false, false, false, true));
    CHECK(live["X-Frame-Sequence"] == "42");
    CHECK(one_shot.find("X-Frame-Sequence") == one_shot.end());
    web::Response stale{http::status::ok, 11};
    web::set_frame_headers(stale, snapshot_with(true, false, true, false));
    CHECK(stale["X-Source-Status"] == "offline");
}

TEST_CASE("metrics: a live source's state, frames, restarts, ages, viewers, CPU and fall-back") {
    ptzgrab::CacheStats cam;
    cam.name = "cam";
    ptzgrab::LiveStatus live;
    live.mode = ptzgrab::LiveMode::on_demand;
    live.state = ptzgrab::LiveState::backoff;
    live.frames = 17;
    live.restarts = 2;
    live.last_frame_age = 1500ms;
    live.viewers = 3;
    live.child_cpu_seconds = 0.25;
    live.fell_back_to_all_frames = true;
    cam.live = live;
    ptzgrab::CacheStats one_shot;
    one_shot.name = "file";
    std::string text = web::Metrics{}.render({cam, one_shot}, 0, 1s);
    CHECK(contains(text, "ptzgrab_live_state{source=\"cam\",mode=\"on_demand\",state=\"backoff\"} 1\n"));
    CHECK(contains(text, "ptzgrab_live_state{source=\"cam\",mode=\"on_demand\",state=\"running\"} 0\n"));
    CHECK(contains(text, "ptzgrab_live_frames_total{source=\"cam\"} 17\n"));
    CHECK(contains(text, "ptzgrab_live_restarts_total{source=\"cam\"} 2\n"));
    CHECK(contains(text, "ptzgrab_live_last_frame_age_seconds{source=\"cam\"} 1.5\n"));
    CHECK(contains(text, "ptzgrab_live_keyframe_interval_seconds{source=\"cam\"} NaN\n"));
    CHECK(contains(text, "ptzgrab_live_viewers{source=\"cam\"} 3\n"));
    CHECK(contains(text, "ptzgrab_live_child_cpu_seconds_total{source=\"cam\"} 0.25\n"));
    CHECK(contains(text, "ptzgrab_live_all_frames_fallback{source=\"cam\"} 1\n"));
    CHECK(!contains(text, "source=\"file\",mode"));
}

TEST_CASE("view page: a live source without HLS shows the MJPEG restream as its live panel") {
    web::ViewPageModel model{{{"yard cam", "rtsp://cam/stream", "", "", true}}, "yard cam"};
    std::string html = web::render_view_page(model);
    CHECK(contains(html, "data-mjpeg-url=\"/stream/mjpeg?source=yard%20cam\""));
    CHECK(contains(html, "id=\"live-mjpeg\""));
    CHECK(contains(html, "about 6 connections"));
    CHECK(!contains(html, "<video"));

    model.sources[0].hls_url = "/assets/demo/index.m3u8";  // HLS wins: the player, no MJPEG
    html = web::render_view_page(model);
    CHECK(contains(html, "<video"));
    CHECK(contains(html, "data-mjpeg-url=\"\""));

    model.sources[0] = {"file", "/clips/a.mp4", "", "", false};  // not live: the note, no MJPEG
    html = web::render_view_page(model);
    CHECK(contains(html, "data-mjpeg-url=\"\""));
    CHECK(!contains(html, "live-mjpeg"));
}

TEST_CASE("snapshot: max_age_ms=N refreshes a held frame older than N, and leaves a younger one alone") {
    RouterFixture f;  // cam1: max age 1 s
    REQUIRE(f.get("/stream/snapshot").result() == http::status::ok);
    REQUIRE(f.grabs() == 1);
    f.advance(500ms);
    auto young_enough = f.get("/stream/snapshot?max_age_ms=10000");
    CHECK(young_enough.result() == http::status::ok);
    CHECK(f.grabs() == 1);
    auto fresher = f.get("/stream/snapshot?max_age_ms=100");
    CHECK(fresher.result() == http::status::ok);
    CHECK(f.grabs() == 2);
    CHECK(std::stoi(std::string(fresher["X-Frame-Age-Ms"])) < 100);
}

TEST_CASE("latest: past max age /latest.jpg answers the held frame at once, marked refreshing") {
    RouterFixture f;
    REQUIRE(f.get("/latest.jpg").result() == http::status::ok);
    f.advance(5s);
    auto r = f.get("/latest.jpg");
    CHECK(r.result() == http::status::ok);
    CHECK(r["X-Cache"] == "refreshing");
}
