// The Router without sockets: request in, response out, over a real FrameCache with a fake grab and clock.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <fstream>

#include "core/fallback.hpp"
#include "router_fixture.hpp"
#include "support/fixtures.hpp"
#include "web/responses.hpp"

using namespace std::chrono_literals;
using ptzgrab::ErrorKind;
using ptzgrab::testing::RouterFixture;
namespace http = ptzgrab::web::http;

namespace {

std::string body(const ptzgrab::web::Response& r) { return std::string(ptzgrab::web::body_view(r)); }

std::string header(const ptzgrab::web::Response& r, const char* name) { return std::string(r[name]); }

ptzgrab::Frame decode(const ptzgrab::web::Response& r) {
    auto frame = ptzgrab::decode_frame(
        std::span(static_cast<const uint8_t*>(r.body().data), r.body().size), std::chrono::system_clock::now());
    REQUIRE(frame.has_value());
    return *frame;
}

}  // namespace

TEST_CASE("router: a first snapshot is a grabbed JPEG marked miss, the next one a hit from memory") {
    RouterFixture f;
    auto first = f.get("/stream/snapshot");
    CHECK(first.result() == http::status::ok);
    CHECK(header(first, "Content-Type") == "image/jpeg");
    CHECK(header(first, "Cache-Control") == "no-store");
    CHECK(header(first, "X-Cache") == "miss");
    CHECK(header(first, "X-Source-Status") == "online");
    CHECK(header(first, "X-Frame-Grabbed-At").ends_with("Z"));
    CHECK(header(first, "X-Frame-Age-Ms") == "0");
    CHECK(decode(first).width == 640);
    f.advance(300ms);
    auto second = f.get("/stream/snapshot?source=cam1");
    CHECK(header(second, "X-Cache") == "hit");
    CHECK(header(second, "X-Frame-Age-Ms") == "300");
    CHECK(header(second, "X-Frame-Grabbed-At") == header(first, "X-Frame-Grabbed-At"));
    CHECK(f.grabs() == 1);
}

TEST_CASE("router: resized and re-encoded variants come from the held frame, not a new grab") {
    RouterFixture f;
    f.get("/stream/snapshot");
    auto small = f.get("/stream/snapshot?width=320");
    CHECK(small.result() == http::status::ok);
    CHECK(decode(small).width == 320);
    CHECK(decode(small).height == 180);
    auto tall = f.get("/stream/snapshot?height=90&quality=20&timestamp=0");
    CHECK(decode(tall).width == 160);
    CHECK(f.grabs() == 1);
}

TEST_CASE("router: force_refresh grabs again even inside max age") {
    RouterFixture f;
    f.get("/stream/snapshot");
    auto forced = f.get("/stream/snapshot?force_refresh=1");
    CHECK(header(forced, "X-Cache") == "miss");
    CHECK(f.grabs() == 2);
}

TEST_CASE("router: a frame older than max age is answered at once and grabbed again behind the answer") {
    RouterFixture f;
    f.get("/stream/snapshot");
    f.advance(1500ms);
    CHECK(header(f.get("/stream/snapshot"), "X-Frame-Age-Ms") == "1500");
    REQUIRE(f.wait_for_refreshes());
    CHECK(f.grabs() == 2);
    CHECK(header(f.get("/stream/snapshot"), "X-Frame-Age-Ms") == "0");
}

TEST_CASE("router: a failed refresh serves the last good frame marked stale and offline with its real age") {
    RouterFixture f;
    f.get("/stream/snapshot");
    f.advance(2500ms);
    f.fail_with(ErrorKind::timeout);
    f.get("/stream/snapshot");  // answered at once; the refresh behind it fails
    REQUIRE(f.wait_for_refreshes());
    auto stale = f.get("/stream/snapshot");
    CHECK(stale.result() == http::status::ok);
    CHECK(header(stale, "X-Cache") == "stale");
    CHECK(header(stale, "X-Source-Status") == "offline");
    CHECK(header(stale, "X-Grab-Error") == "timeout");
    CHECK(header(stale, "X-Frame-Age-Ms") == "2500");
}

TEST_CASE("router: a failed grab with no frame answers the diagnostic card with the status of its kind") {
    for (auto [kind, status] : {std::pair{ErrorKind::timeout, http::status::gateway_timeout},
                                std::pair{ErrorKind::ffmpeg_missing, http::status::service_unavailable},
                                std::pair{ErrorKind::source_unreachable, http::status::bad_gateway},
                                std::pair{ErrorKind::no_frame, http::status::bad_gateway}}) {
        RouterFixture f;
        f.fail_with(kind);
        auto card = f.get("/stream/snapshot?width=400");
        CAPTURE(ptzgrab::to_string(kind));
        CHECK(card.result() == status);
        CHECK(header(card, "Content-Type") == "image/jpeg");
        CHECK(header(card, "X-Grab-Error") == ptzgrab::to_string(kind));
        CHECK(header(card, "X-Source-Status") == "offline");
        CHECK(decode(card).width == 400);
    }
}

TEST_CASE("router: bad snapshot parameters get 400 with a one-line reason") {
    RouterFixture f;
    for (const char* target : {"/stream/snapshot?width=-1", "/stream/snapshot?quality=abc",
                               "/stream/snapshot?quality=101", "/stream/snapshot?height=99999", "/stream/snapshot?width=4097",
                               "/stream/snapshot?force_refresh=maybe", "/stream/snapshot?timestamp=2",
                               "/stream/snapshot?source=nope", "/stream/snapshot?source=", "/stream/snapshot?width=%zz"}) {
        CAPTURE(target);
        auto res = f.get(target);
        CHECK(res.result() == http::status::bad_request);
        std::string text = body(res);
        CHECK(!text.empty());
        CHECK(text.find('\n') == text.size() - 1);
    }
    CHECK(f.grabs() == 0);
}

TEST_CASE("router: unknown paths are 404 and wrong methods 405 with an Allow header") {
    RouterFixture f;
    CHECK(f.get("/nope").result() == http::status::not_found);
    CHECK(f.get("/stream/snapshots").result() == http::status::not_found);
    auto post = f.call("POST", "/stream/snapshot");
    CHECK(post.result() == http::status::method_not_allowed);
    CHECK(header(post, "Allow") == "GET, HEAD");
    auto get_clear = f.get("/stream/cache/clear");
    CHECK(get_clear.result() == http::status::method_not_allowed);
    CHECK(header(get_clear, "Allow") == "POST");
    CHECK(f.call("DELETE", "/latest.jpg").result() == http::status::method_not_allowed);
}

TEST_CASE("router: HEAD answers the headers and length of GET without a body") {
    RouterFixture f;
    auto get = f.get("/stream/cache");
    auto head = f.call("HEAD", "/stream/cache");
    CHECK(head.result() == http::status::ok);
    CHECK(head.body().size == 0);
    CHECK(header(head, "Content-Length") == std::to_string(get.body().size));
}

TEST_CASE("router: /latest.jpg serves the cache's prepared JPEG, and past max age refreshes it behind the answer") {
    RouterFixture f;
    auto cold = f.get("/latest.jpg");  // nothing yet: one grab through the cache
    CHECK(cold.result() == http::status::ok);
    CHECK(f.grabs() == 1);
    f.advance(500ms);  // inside max age (1 s)
    auto warm = f.get("/latest/cam1.jpg");
    CHECK(warm.result() == http::status::ok);
    CHECK(header(warm, "X-Frame-Age-Ms") == "500");
    CHECK(warm.body().data == cold.body().data);  // the same shared buffer, not a copy or a re-encode
    CHECK(f.grabs() == 1);
    f.advance(10s);  // far past max age: a dashboard polling only /latest.jpg must not see a frozen frame
    auto held = f.get("/latest.jpg");  // at once, while a refresh starts behind it
    CHECK(held.result() == http::status::ok);
    CHECK(header(held, "X-Frame-Age-Ms") == "10500");
    REQUIRE(f.wait_for_refreshes());
    CHECK(f.grabs() == 2);
    auto later = f.get("/latest.jpg");
    CHECK(header(later, "X-Frame-Age-Ms") == "0");
    CHECK(f.get("/latest/other.jpg").result() == http::status::not_found);
}

TEST_CASE("router: /stream/cache reports each source and clear drops its frame") {
    RouterFixture f({RouterFixture::source("a"), RouterFixture::source("b")});
    f.get("/stream/snapshot?source=a");
    f.get("/stream/snapshot?source=a");
    auto stats = boost::json::parse(body(f.get("/stream/cache"))).at("sources").as_array();
    REQUIRE(stats.size() == 2);
    CHECK(stats[0].at("name") == "a");
    CHECK(stats[0].at("has_frame") == true);
    CHECK(stats[0].at("hits") == 1);
    CHECK(stats[0].at("misses") == 1);
    CHECK(stats[0].at("bytes_held").as_int64() > 0);
    CHECK(stats[1].at("has_frame") == false);
    auto cleared = boost::json::parse(body(f.call("POST", "/stream/cache/clear?source=a")));
    CHECK(cleared.at("cleared").as_array().size() == 1);
    CHECK(f.call("POST", "/stream/cache/clear?source=zzz").result() == http::status::bad_request);
    auto after = boost::json::parse(body(f.get("/stream/cache"))).at("sources").as_array();
    CHECK(after[0].at("has_frame") == false);
}

TEST_CASE("router: with a token, everything but /healthz and the public /assets/ needs it") {
    RouterFixture f({}, "s3cret-T0ken", ptzgrab::testing::source_dir() / "assets");
    CHECK(f.get("/healthz").result() == http::status::ok);
    CHECK(f.get("/assets/view.js").result() == http::status::ok);
    CHECK(f.get("/latest.jpg").result() == http::status::unauthorized);
    CHECK(f.get("/stream/view").result() == http::status::unauthorized);
    CHECK(f.get("/metrics").result() == http::status::unauthorized);
    CHECK(f.get("/stream/cache").result() == http::status::unauthorized);
    CHECK(f.get("/stream/cache?token=wrong").result() == http::status::unauthorized);
    CHECK(f.call("GET", "/stream/cache", {{"Authorization", "Bearer wrong"}}).result() == http::status::unauthorized);
    CHECK(f.call("GET", "/stream/cache", {{"Authorization", "Bearer s3cret-T0ken"}}).result() == http::status::ok);
    CHECK(f.get("/stream/snapshot?token=s3cret-T0ken").result() == http::status::ok);
    for (const std::string& line : f.log_lines()) CHECK(line.find("s3cret") == std::string::npos);
}

TEST_CASE("router: ?url= is refused without --allow-any-url, and local or odd protocols even with it") {
    RouterFixture f;
    CHECK(f.get("/stream/snapshot?url=rtsp://cam/x").result() == http::status::forbidden);
    f.enable_adhoc();
    for (const char* url : {"file:/etc/passwd", "/etc/passwd", "concat:a|b", "lavfi:testsrc", "subfile:x"}) {
        CAPTURE(url);
        CHECK(f.get(std::string("/stream/snapshot?url=") + url).result() == http::status::forbidden);
    }
    auto ok = f.get("/stream/snapshot?url=rtsp%3A%2F%2Fcam%2Fx&width=100");
    CHECK(ok.result() == http::status::ok);
    CHECK(decode(ok).width == 100);
}

TEST_CASE("router: the access log has one line per request with method, masked path, status, bytes and ms") {
    RouterFixture f;
    f.get("/stream/cache?token=abc123&url=rtsp%3A%2F%2Fu%3Apw9876%40cam%2Fx");
    auto lines = f.log_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].starts_with("GET /stream/cache?token=***&url="));
    CHECK(lines[0].find("abc123") == std::string::npos);
    CHECK(lines[0].find("pw9876") == std::string::npos);
    CHECK(lines[0].find(" 200 ") != std::string::npos);
    CHECK(lines[0].ends_with(" ms"));
}

TEST_CASE("router: /stream/info and /stream/view never show a source's credentials") {
    auto cam = RouterFixture::source("cam", "rtsp://admin:hunter22@10.0.0.9/s");
    cam.hls_url = "https://viewer:pa55word@cam.example/live.m3u8";
    RouterFixture f({cam});
    std::string info = body(f.get("/stream/info"));
    std::string view = body(f.get("/stream/view"));
    CHECK(boost::json::parse(info).at("sources").as_array()[0].at("url") == "rtsp://admin:***@10.0.0.9/s");
    for (const std::string& text : {info, view}) {
        CHECK(text.find("hunter22") == std::string::npos);
        CHECK(text.find("pa55word") == std::string::npos);
    }
    CHECK(view.find("credentials") != std::string::npos);  // the note replacing the HLS URL
    CHECK(f.get("/stream/view?source=nope").result() == http::status::bad_request);
}

TEST_CASE("router: a source that is itself HLS plays live on the view page, unless its URL holds credentials") {
    RouterFixture open_source({RouterFixture::source("hls", "http://cam.example/live/index.m3u8")});
    CHECK(body(open_source.get("/stream/view")).find("http://cam.example/live/index.m3u8") != std::string::npos);
    RouterFixture secret({RouterFixture::source("hls", "http://u:s3cretpw@cam.example/live/index.m3u8")});
    std::string view = body(secret.get("/stream/view"));
    CHECK(view.find("s3cretpw") == std::string::npos);
    CHECK(view.find("credentials") != std::string::npos);
}

TEST_CASE("router: /stream/info, the /stream/view footer and its data-hls-url never show any form of credential") {
    auto spaced = RouterFixture::source("spaced", "rtsp://admin:Pw8@Sec ret@127.0.0.1:1/s");
    spaced.hls_url = "https://cdn.example/x.m3u8?p%61ssword=SECRET1";
    auto p2p = RouterFixture::source("p2p", "http://cam/videostream.cgi?loginuse=admin&loginpas=SECRET2");
    auto xmeye = RouterFixture::source("xmeye", "rtsp://h:554/user=admin&password=SECRET3&channel=1&stream=0.sdp");
    auto sofia = RouterFixture::source("sofia", "rtsp://h:554/user=admin_password=SECRET4_channel=1_stream=0.sdp");
    auto signed_hls = RouterFixture::source("signed", "https://cdn.example/live.m3u8?sig=SECRET5");
    auto params = RouterFixture::source("params", "rtsp://cam/s;password=SECRET6");
    params.hls_url = "https://cdn.example/live;token=SECRET7/x.m3u8";
    RouterFixture f({spaced, p2p, xmeye, sofia, signed_hls, params});
    std::string info = body(f.get("/stream/info"));
    CHECK(info.find("SECRET") == std::string::npos);
    CHECK(info.find("Sec ret") == std::string::npos);
    for (const char* name : {"spaced", "p2p", "xmeye", "sofia", "signed", "params"}) {
        CAPTURE(name);
        std::string view = body(f.get(std::string("/stream/view?source=") + name));
        CHECK(view.find("SECRET") == std::string::npos);
        CHECK(view.find("Sec ret") == std::string::npos);
        CHECK(view.find("data-hls-url=\"\"") != std::string::npos);
        CHECK(view.find("Source URL: <code id=\"source-url\">") != std::string::npos);
    }
}

TEST_CASE("router: an HLS URL goes to the browser only with no userinfo and no query at all") {
    auto query = RouterFixture::source("query", "http://cam.example/live/index.m3u8?quality=hi");
    auto own = RouterFixture::source("own", "rtsp://cam/s");
    own.hls_url = "https://cdn.example/x.m3u8?lang=en";
    auto user = RouterFixture::source("user", "rtsp://cam/s");
    user.hls_url = "https://viewer@cdn.example/x.m3u8";
    auto bare = RouterFixture::source("bare", "rtsp://cam/s");
    bare.hls_url = "https://cdn.example/live/x.m3u8";
    RouterFixture f({query, own, user, bare});
    for (const char* name : {"query", "own", "user"}) {
        CAPTURE(name);
        std::string view = body(f.get(std::string("/stream/view?source=") + name));
        CHECK(view.find("data-hls-url=\"\"") != std::string::npos);
        CHECK(view.find("<video id=\"live\" muted autoplay playsinline loop controls preload=\"auto\" hidden>") != std::string::npos);
    }
    CHECK(body(f.get("/stream/view?source=bare")).find("data-hls-url=\"https://cdn.example/live/x.m3u8\"") != std::string::npos);
}

TEST_CASE("router: /stream/cache's last error and the diagnostic card are masked against their source") {
    // The fake grab's message quotes the raw URL, as a careless core message would; a line
    // break in the password defeats masking by URL shape alone.
    std::string url = "rtsp://admin:Pw8\nSECRET9@127.0.0.1:1/s";
    RouterFixture f({RouterFixture::source("cam", url)});
    f.fail_with(ErrorKind::source_unreachable);
    auto card = f.get("/stream/snapshot");
    CHECK(card.result() == http::status::bad_gateway);
    std::string cache = body(f.get("/stream/cache"));
    CHECK(cache.find("SECRET9") == std::string::npos);
    CHECK(cache.find("Pw8") == std::string::npos);
    auto last_error = boost::json::parse(cache).at("sources").as_array()[0].at("last_error");
    CHECK(last_error.at("message") == "fake failure of rtsp://admin:***@127.0.0.1:1/s");

    // The card's text is drawn into the JPEG: it must be the very card drawn from the masked strings.
    ptzgrab::Error raw{ErrorKind::source_unreachable, "fake failure of " + url, "fake stderr line"};
    ptzgrab::Error masked{ErrorKind::source_unreachable, "fake failure of rtsp://admin:***@127.0.0.1:1/s", "fake stderr line"};
    auto now = f.context.now();
    auto expected = ptzgrab::card_for_error("rtsp://admin:***@127.0.0.1:1/s", masked, now);
    auto unmasked = ptzgrab::card_for_error("rtsp://admin:***@127.0.0.1:1/s", raw, now);
    REQUIRE(expected != unmasked);
    std::string served = body(card);
    CHECK(served == std::string(expected.begin(), expected.end()));
}

TEST_CASE("router: an unknown source name is masked before it is cut and echoed") {
    RouterFixture f;
    std::string name = "rtsp%3A%2F%2Fu%3A" + std::string(90, 'x') + "%3ASECRETA%40h";
    for (std::string target : {"/stream/snapshot?source=" + name, "/stream/cache/clear?source=" + name}) {
        CAPTURE(target);
        auto r = f.call(target.starts_with("/stream/cache") ? "POST" : "GET", target);
        CHECK(r.result() == http::status::bad_request);
        CHECK(body(r).find("unknown source") != std::string::npos);
        CHECK(body(r).find("SECRETA") == std::string::npos);
        CHECK(body(r).find("xxxx") == std::string::npos);
    }
}

TEST_CASE("router: /metrics counts requests, grabs, failures by kind and the cache") {
    RouterFixture f;
    f.get("/stream/snapshot");
    f.get("/stream/snapshot");
    f.fail_with(ErrorKind::timeout);
    f.get("/stream/snapshot?force_refresh=1");
    std::string text = body(f.get("/metrics"));
    CHECK(text.find("ptzgrab_http_requests_total{code=\"200\"} 3") != std::string::npos);
    CHECK(text.find("ptzgrab_grabs_total 2") != std::string::npos);
    CHECK(text.find("ptzgrab_grab_seconds_count 2") != std::string::npos);
    CHECK(text.find("ptzgrab_grab_failures_total{kind=\"timeout\"} 1") != std::string::npos);
    CHECK(text.find("ptzgrab_cache_hits_total{source=\"cam1\"} 1") != std::string::npos);
    CHECK(text.find("ptzgrab_cache_misses_total{source=\"cam1\"} 2") != std::string::npos);
    CHECK(text.find("ptzgrab_ffmpeg_processes_running ") != std::string::npos);
}

TEST_CASE("router: assets are served with their content type and no path leaves the folder") {
    ptzgrab::testing::ScratchDir dir;
    std::filesystem::create_directories(dir / "assets/demo");
    std::ofstream(dir / "assets/view.js") << "console.log(1)";
    std::ofstream(dir / "assets/demo/index.m3u8") << "#EXTM3U";
    std::ofstream(dir / "secret.txt") << "TOPSECRET";
    std::filesystem::create_symlink(dir / "secret.txt", dir / "assets/link.txt");
    RouterFixture f({}, {}, dir / "assets");
    auto js = f.get("/assets/view.js");
    CHECK(js.result() == http::status::ok);
    CHECK(header(js, "Content-Type") == "text/javascript; charset=utf-8");
    CHECK(header(f.get("/assets/demo/index.m3u8"), "Content-Type") == "application/vnd.apple.mpegurl");
    for (const char* target : {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/%2E%2E/secret.txt",
                               "/assets/%252e%252e/secret.txt", "/assets/demo/../../secret.txt",
                               "/assets/..%2fsecret.txt", "/assets/..%5csecret.txt", "/assets/link.txt",
                               "/assets/view.js%00.png", "/assets//etc/passwd", "/assets/", "/assets/nope.js"}) {
        CAPTURE(target);
        auto res = f.get(target);
        CHECK(res.result() != http::status::ok);
        CHECK(body(res).find("TOPSECRET") == std::string::npos);
    }
}
