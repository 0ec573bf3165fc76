// The web surface a hostile page or a careless operator meets, without sockets: Host (DNS
// rebinding), Origin (cross-site writes), nosniff and the page's CSP, the token's spellings and
// where it must not appear, and assets served from memory with an ETag.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <fstream>

#include "router_fixture.hpp"
#include "support/fixtures.hpp"
#include "web/access_log.hpp"
#include "web/page_policy.hpp"
#include "web/request_guard.hpp"
#include "web/responses.hpp"

using ptzgrab::testing::RouterFixture;
namespace http = ptzgrab::web::http;
namespace fs = std::filesystem;

namespace {

std::string body(const ptzgrab::web::Response& r) { return std::string(ptzgrab::web::body_view(r)); }

std::string header(const ptzgrab::web::Response& r, std::string_view name) { return std::string(r[name]); }

bool has_frame(RouterFixture& f) {
    auto sources = boost::json::parse(body(f.get("/stream/cache"))).at("sources").as_array();
    return sources[0].at("has_frame").as_bool();
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("router: a foreign Host name is refused with 421 and a reason, and no grab or frame (DNS rebinding)") {
    RouterFixture f;
    for (std::string host : {"evil.example", "evil.example:8080", "EVIL.example", "127.0.0.1.evil.example",
                             "localhost.evil.example", "2130706433", "cam"}) {
        CAPTURE(host);
        for (std::string target : {"/stream/snapshot", "/latest.jpg", "/stream/info", "/stream/view", "/assets/x"}) {
            CAPTURE(target);
            auto res = f.call("GET", target, {{"Host", host}});
            CHECK(res.result() == http::status::misdirected_request);
            CHECK(header(res, "Content-Type") == "text/plain; charset=utf-8");
            CHECK(contains(body(res), "--allow-host"));
            CHECK(body(res).find('\n') == body(res).size() - 1);  // one line
        }
    }
    CHECK(f.grabs() == 0);
}

TEST_CASE("router: IP literals and localhost are accepted as Host with any port, and names only when allowed") {
    RouterFixture f;
    for (std::string host : {"127.0.0.1", "127.0.0.1:8080", "10.1.2.3:80", "[::1]", "[::1]:8080",
                             "[fe80::1]:9", "localhost", "localhost:8080", "LocalHost", "localhost."}) {
        CAPTURE(host);
        CHECK(f.call("GET", "/stream/snapshot", {{"Host", host}}).result() == http::status::ok);
    }
    CHECK(f.call("GET", "/stream/info", {{"Host", "cam.lan:8080"}}).result() == http::status::misdirected_request);
    f.context.hosts.names = {"cam.lan"};
    CHECK(f.call("GET", "/stream/info", {{"Host", "cam.lan:8080"}}).result() == http::status::ok);
    CHECK(f.call("GET", "/stream/info", {{"Host", "CAM.LAN"}}).result() == http::status::ok);
    CHECK(f.call("GET", "/stream/info", {{"Host", "other.lan"}}).result() == http::status::misdirected_request);
    f.context.hosts.any = true;
    CHECK(f.call("GET", "/stream/info", {{"Host", "other.lan"}}).result() == http::status::ok);
}

TEST_CASE("router: /healthz answers under any Host name, for probes") {
    RouterFixture f;
    CHECK(f.call("GET", "/healthz", {{"Host", "evil.example"}}).result() == http::status::ok);
    CHECK(f.call("GET", "/healthz", {{"Host", "pod-7.internal:8080"}}).result() == http::status::ok);
}

TEST_CASE("router: an HTTP/1.1 request without Host, with two, or with a malformed one is 400") {
    RouterFixture f;
    CHECK(f.call("GET", "/stream/info", {{"Host", ""}}).result() == http::status::bad_request);
    CHECK(f.call("GET", "/healthz", {{"Host", ""}}).result() == http::status::bad_request);
    for (std::string host : {"a b", "[::1", "[zz::1]", "h:99999", "h:x", "evil.example/x", "u@127.0.0.1"}) {
        CAPTURE(host);
        CHECK(f.call("GET", "/stream/info", {{"Host", host}}).result() == http::status::bad_request);
    }
    ptzgrab::web::Request two{http::verb::get, "/stream/info", 11};
    two.insert(http::field::host, "127.0.0.1");
    two.insert(http::field::host, "evil.example");
    CHECK(f.send(two).result() == http::status::bad_request);
    ptzgrab::web::Request old{http::verb::get, "/stream/info", 10};  // HTTP/1.0 may omit it
    CHECK(f.send(old).result() == http::status::ok);
}

TEST_CASE("router: a cross-site POST /stream/cache/clear is refused with 403 and clears nothing") {
    RouterFixture f;
    f.get("/stream/snapshot");
    REQUIRE(has_frame(f));
    const std::vector<std::map<std::string, std::string>> foreign = {
        {{"Origin", "http://evil.example"}},
        {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}},
        {{"Sec-Fetch-Site", "cross-site"}},
        {{"Sec-Fetch-Site", "Cross-Site"}},
        {{"Origin", "null"}},                    // a sandboxed frame or a data: page
        {{"Origin", "http://127.0.0.1:9999"}},   // another port: another origin
        {{"Origin", "http://localhost:8080"}},   // another name for the same server is still another origin
        {{"Origin", "http://127.0.0.1:8080"}, {"Host", "127.0.0.1:9999"}},
    };
    for (const auto& headers : foreign) {
        CAPTURE(headers.begin()->second);
        auto res = f.call("POST", "/stream/cache/clear", headers);
        CHECK(res.result() == http::status::forbidden);
        CHECK(contains(body(res), "may not change"));
        CHECK(has_frame(f));
    }
}

TEST_CASE("router: a same-origin POST, or one without Origin (curl, scripts), still clears the cache") {
    RouterFixture f;
    for (const auto& headers : std::vector<std::map<std::string, std::string>>{
             {},
             {{"Origin", "http://127.0.0.1:8080"}},
             {{"Origin", "http://127.0.0.1:8080"}, {"Sec-Fetch-Site", "same-origin"}},
             {{"Origin", "http://LOCALHOST"}, {"Host", "localhost:80"}},
             {{"Origin", "https://cam.example"}, {"Host", "cam.example"}}}) {
        f.context.hosts.names = {"cam.example"};
        f.get("/stream/snapshot");
        REQUIRE(has_frame(f));
        auto res = f.call("POST", "/stream/cache/clear", headers);
        CHECK(res.result() == http::status::ok);
        CHECK_FALSE(has_frame(f));
    }
}

TEST_CASE("router: every answer carries X-Content-Type-Options: nosniff") {
    RouterFixture f({}, "T0k3n-abc", ptzgrab::testing::source_dir() / "assets");
    for (const auto& [target, host] : std::vector<std::pair<std::string, std::string>>{
             {"/stream/snapshot?token=T0k3n-abc", "127.0.0.1"},
             {"/stream/view?token=T0k3n-abc", "127.0.0.1"},
             {"/stream/info", "127.0.0.1"},         // 401
             {"/nope?token=T0k3n-abc", "127.0.0.1"},  // 404
             {"/assets/view.js", "127.0.0.1"},
             {"/healthz", "127.0.0.1"},
             {"/latest.jpg", "evil.example"}}) {  // 421
        CAPTURE(target);
        CHECK(header(f.call("GET", target, {{"Host", host}}), "X-Content-Type-Options") == "nosniff");
    }
}

TEST_CASE("router: the view page's Content-Security-Policy allows its own scripts, blobs and its stream's origin") {
    auto cam = RouterFixture::source("cam", "rtsp://cam/s");
    cam.hls_url = "http://media.example:8888/live/index.m3u8";
    RouterFixture f({cam});
    std::string csp = header(f.get("/stream/view"), "Content-Security-Policy");
    CHECK(contains(csp, "default-src 'none'"));
    CHECK(contains(csp, "script-src 'self';"));
    CHECK(contains(csp, "media-src 'self' blob: http://media.example:8888;"));
    CHECK(contains(csp, "connect-src 'self' http://media.example:8888;"));
    CHECK(contains(csp, "worker-src 'self' blob:"));
    CHECK(contains(csp, "img-src 'self' blob: data:"));
    CHECK(contains(csp, "frame-ancestors 'none'"));
    CHECK_FALSE(contains(csp, "unsafe"));
    CHECK_FALSE(contains(csp, "*"));
}

TEST_CASE("page policy: a relative or odd HLS URL adds no origin to the policy") {
    using ptzgrab::web::view_page_content_security_policy;
    std::string plain = view_page_content_security_policy("");
    CHECK(view_page_content_security_policy("/assets/demo/index.m3u8") == plain);
    CHECK(view_page_content_security_policy("http://a b/x.m3u8") == plain);
    CHECK(view_page_content_security_policy("http://h;script-src */x.m3u8") == plain);
    CHECK(view_page_content_security_policy("http://u:p@h/x.m3u8") == plain);
    CHECK(contains(view_page_content_security_policy("https://[::1]:8443/x.m3u8"), " https://[::1]:8443;"));
    CHECK(contains(view_page_content_security_policy("HTTP://Cam.Example/x.m3u8"), " http://cam.example;"));
}

TEST_CASE("router: the Bearer scheme is accepted in any case and with extra blanks after it (RFC 7235)") {
    RouterFixture f({}, "s3cret-T0ken");
    for (std::string value : {"Bearer s3cret-T0ken", "bearer s3cret-T0ken", "BEARER s3cret-T0ken",
                              "bEaReR s3cret-T0ken", "Bearer   s3cret-T0ken", "Bearer\ts3cret-T0ken"}) {
        CAPTURE(value);
        CHECK(f.call("GET", "/stream/cache", {{"Authorization", value}}).result() == http::status::ok);
    }
    for (std::string value : {"Bearer", "Bearers3cret-T0ken", "Basic s3cret-T0ken", "Bearer s3cret-T0ke",
                              "Bearer s3cret-T0ken2", "Bearer x s3cret-T0ken"}) {
        CAPTURE(value);
        CHECK(f.call("GET", "/stream/cache", {{"Authorization", value}}).result() == http::status::unauthorized);
    }
}

TEST_CASE("router: / never echoes a token in its Location; with ?token= it answers the view page itself") {
    RouterFixture f({}, "s3cret-T0ken");
    auto page = f.get("/?source=cam1&token=s3cret-T0ken");
    CHECK(page.result() == http::status::ok);
    CHECK(header(page, "Location").empty());
    CHECK(contains(body(page), "id=\"view\""));
    CHECK_FALSE(contains(body(page), "s3cret"));
    auto encoded_key = f.get("/?%74oken=s3cret-T0ken");
    CHECK(encoded_key.result() == http::status::ok);
    CHECK(header(encoded_key, "Location").empty());

    RouterFixture open;
    auto redirect = open.get("/?source=cam1&x=1");
    CHECK(redirect.result() == http::status::found);
    CHECK(header(redirect, "Location") == "/stream/view?source=cam1&x=1");
    CHECK(header(open.get("/"), "Location") == "/stream/view");
    auto with_token = open.get("/?token=abc123&source=cam1");
    CHECK_FALSE(contains(header(with_token, "Location"), "abc123"));
}

TEST_CASE("router: a token in the path, or a credential-bearing URL anywhere in the target, is masked in the log") {
    RouterFixture f({}, "Tk-9f2e71");
    f.get("/stream/view&token=Tk-9f2e71");                   // '?' forgotten: the token lands in the path
    f.get("/stream/view/token=Tk-9f2e71");
    f.get("/x;TOKEN=pathsecret1");
    f.get("/latest/Tk-9f2e71.jpg");                          // the configured token, literally, anywhere
    f.get("/stream/%54k-9f2e71");                            // ... or %-encoded
    f.get("/stream/snapshot?url=rtsp://u:pw4455@h/s&token=Tk-9f2e71");
    f.get("/stream/snapshot?Token=qs-secret-88");
    f.get("/s/rtsp://admin:pw6677@cam/x");
    auto lines = f.log_lines();
    REQUIRE(lines.size() == 8);
    for (const std::string& line : lines) {
        CAPTURE(line);
        CHECK_FALSE(contains(line, "9f2e71"));
        CHECK_FALSE(contains(line, "pathsecret1"));
        CHECK_FALSE(contains(line, "pw4455"));
        CHECK_FALSE(contains(line, "qs-secret-88"));
        CHECK_FALSE(contains(line, "pw6677"));
    }
    CHECK(lines[0].starts_with("GET /stream/view&token=*** "));
    CHECK(lines[2].starts_with("GET /x;TOKEN=*** "));
}

TEST_CASE("router: assets carry a strong ETag, and If-None-Match with it answers 304 without a body") {
    ptzgrab::testing::ScratchDir dir;
    fs::create_directories(dir / "assets");
    std::ofstream(dir / "assets/view.js") << "console.log('v1')";
    std::ofstream(dir / "assets/other.js") << "console.log('v2')";
    RouterFixture f({}, {}, dir / "assets");
    auto first = f.get("/assets/view.js");
    REQUIRE(first.result() == http::status::ok);
    std::string etag = header(first, "ETag");
    CHECK(etag.size() > 2);
    CHECK(etag.front() == '"');
    CHECK_FALSE(etag.starts_with("W/"));
    CHECK(header(f.get("/assets/other.js"), "ETag") != etag);
    CHECK(header(f.get("/assets/view.js"), "ETag") == etag);  // the same bytes, the same tag
    for (const std::string& condition : {etag, "W/" + etag, "\"x\", " + etag, std::string("*")}) {
        CAPTURE(condition);
        auto again = f.call("GET", "/assets/view.js", {{"If-None-Match", condition}});
        CHECK(again.result() == http::status::not_modified);
        CHECK(body(again).empty());
        CHECK(again.find(http::field::content_length) == again.end());
        CHECK(header(again, "ETag") == etag);
    }
    auto changed = f.call("GET", "/assets/view.js", {{"If-None-Match", "\"older\""}});
    CHECK(changed.result() == http::status::ok);
    CHECK(body(changed) == "console.log('v1')");
}

TEST_CASE("router: assets are read once at start: later changes on disk do not reach the answers") {
    ptzgrab::testing::ScratchDir dir;
    fs::create_directories(dir / "assets/demo");
    std::ofstream(dir / "assets/view.js") << "console.log('v1')";
    std::ofstream(dir / "assets/demo/index.m3u8") << "#EXTM3U";
    std::ofstream(dir / "assets/.hidden") << "hidden";
    RouterFixture f({}, {}, dir / "assets");
    std::ofstream(dir / "assets/view.js") << "console.log('v2, written after the start')";
    fs::remove(dir / "assets/demo/index.m3u8");
    std::ofstream(dir / "assets/late.js") << "late";
    CHECK(body(f.get("/assets/view.js")) == "console.log('v1')");
    CHECK(body(f.get("/assets/demo/index.m3u8")) == "#EXTM3U");
    CHECK(f.get("/assets/late.js").result() == http::status::not_found);
    CHECK(f.get("/assets/.hidden").result() == http::status::bad_request);
}

TEST_CASE("asset store: hidden folders, symlinks out and missing folders give nothing") {
    ptzgrab::testing::ScratchDir dir;
    fs::create_directories(dir / "assets/.git");
    fs::create_directories(dir / "outside");
    std::ofstream(dir / "assets/.git/config") << "secret";
    std::ofstream(dir / "outside/secret.txt") << "TOPSECRET";
    std::ofstream(dir / "assets/ok.txt") << "ok";
    fs::create_directory_symlink(dir / "outside", dir / "assets/out");
    fs::create_symlink(dir / "outside/secret.txt", dir / "assets/link.txt");
    fs::create_symlink(dir / "assets/ok.txt", dir / "assets/inner.txt");
    auto store = ptzgrab::web::AssetStore::load(dir / "assets");
    CHECK(store.size() == 2);  // ok.txt and the symlink inner.txt
    CHECK(store.find("ok.txt").has_value());
    CHECK(store.find("inner.txt").has_value());
    CHECK_FALSE(store.find("link.txt").has_value());
    CHECK_FALSE(store.find("out/secret.txt").has_value());
    CHECK_FALSE(store.find(".git/config").has_value());
    CHECK(ptzgrab::web::AssetStore::load(dir / "nope").size() == 0);
}
