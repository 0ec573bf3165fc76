// `ptzgrab serve` against a hostile browser and a careless operator, over real sockets:
// DNS rebinding (a foreign Host), a cross-site POST, the token from a file, and the headers a page needs.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>

#include "http_client.hpp"
#include "serve_process.hpp"

using namespace ptzgrab::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool demo_has_frame(int port) {
    auto cache = boost::json::parse(http_get(port, "/stream/cache").body);
    return cache.at("sources").as_array()[0].at("has_frame").as_bool();
}

std::string read_cmdline(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("serve: a request with Host: evil.example is refused with 421 and no JPEG (DNS rebinding)") {
    ServeProcess serve;
    int port = serve.port();
    for (std::string target : {"/stream/snapshot", "/latest.jpg", "/stream/view", "/stream/info"}) {
        CAPTURE(target);
        auto refused = http_get(port, target, {{"Host", "evil.example:" + std::to_string(port)}});
        CHECK(refused.status == 421);
        CHECK(refused.header("content-type") == "text/plain; charset=utf-8");
        CHECK_FALSE(refused.body.starts_with("\xFF\xD8"));
        CHECK(contains(refused.body, "--allow-host"));
    }
    auto raw = raw_exchange(port, "GET /stream/snapshot HTTP/1.1\r\nConnection: close\r\n\r\n", 10s);
    CHECK(raw.received.starts_with("HTTP/1.1 400"));  // HTTP/1.1 without Host
    CHECK(http_get(port, "/healthz", {{"Host", "evil.example"}}).status == 200);
    auto own = http_get(port, "/stream/snapshot", {{"Host", "localhost:" + std::to_string(port)}});
    CHECK(own.status == 200);
    CHECK(own.header("content-type") == "image/jpeg");
}

TEST_CASE("serve: --allow-host accepts that name, and only that one") {
    ServeProcess serve({"--allow-host", "cams.example.lan", "--allow-host", "Viewer.Lan"});
    int port = serve.port();
    CHECK(http_get(port, "/stream/info", {{"Host", "cams.example.lan:" + std::to_string(port)}}).status == 200);
    CHECK(http_get(port, "/stream/info", {{"Host", "viewer.lan"}}).status == 200);
    CHECK(http_get(port, "/stream/info", {{"Host", "evil.example"}}).status == 421);
    auto bad = run_ptzgrab({"serve", "--allow-host", "http://x/", "--port", std::to_string(free_port())}, {}, 20s);
    CHECK(bad.exit_code == 2);
}

TEST_CASE("serve: a cross-site POST /stream/cache/clear is refused with 403 and the frame stays") {
    ServeProcess serve;
    int port = serve.port();
    REQUIRE(http_get(port, "/stream/snapshot").status == 200);
    REQUIRE(demo_has_frame(port));
    auto forged = http_call(port, "POST", "/stream/cache/clear",
                            {{"Origin", "http://evil.example"}, {"Sec-Fetch-Site", "cross-site"},
                             {"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(forged.status == 403);
    CHECK(demo_has_frame(port));
    auto foreign_origin = http_call(port, "POST", "/stream/cache/clear", {{"Origin", "http://evil.example"}});
    CHECK(foreign_origin.status == 403);
    CHECK(demo_has_frame(port));
    auto own = http_call(port, "POST", "/stream/cache/clear",
                         {{"Origin", "http://127.0.0.1:" + std::to_string(port)}, {"Sec-Fetch-Site", "same-origin"}});
    CHECK(own.status == 200);
    CHECK_FALSE(demo_has_frame(port));
}

TEST_CASE("serve: answers carry nosniff, the view page a Content-Security-Policy, assets an ETag and 304") {
    ServeProcess serve({"--assets-dir", (source_dir() / "assets").string()});
    int port = serve.port();
    for (std::string target : {"/stream/view", "/healthz", "/nope", "/assets/view.js"}) {
        CAPTURE(target);
        CHECK(http_get(port, target).header("x-content-type-options") == "nosniff");
    }
    CHECK(contains(http_get(port, "/stream/view").header("content-security-policy"), "script-src 'self'"));
    auto js = http_get(port, "/assets/view.js");
    REQUIRE(js.status == 200);
    REQUIRE_FALSE(js.header("etag").empty());
    auto again = http_get(port, "/assets/view.js", {{"If-None-Match", js.header("etag")}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
}

TEST_CASE("serve: --token-file reads the token, keeps it out of ps and the log, and the token works") {
    const std::string token = "file-tok-5d21c0";
    ScratchDir dir;
    std::ofstream(dir / "token") << token << "\n";
    ServeProcess serve({"--token-file", (dir / "token").string()});
    int port = serve.port();
    CHECK_FALSE(contains(read_cmdline(serve.pid()), token));
    CHECK(http_get(port, "/stream/info").status == 401);
    CHECK(http_get(port, "/stream/info", {{"Authorization", "Bearer " + token}}).status == 200);
    CHECK(http_get(port, "/stream/info", {{"Authorization", "bearer " + token}}).status == 200);
    CHECK(http_get(port, "/stream/info?token=" + token).status == 200);
    auto root = http_get(port, "/?token=" + token);
    CHECK(root.status == 200);  // the page itself: no redirect, so no Location to echo the token
    CHECK(root.header("location").empty());
    CHECK(http_get(port, "/stream/view&token=" + token).status == 401);  // a '?' forgotten: the token in the path
    CHECK(http_get(port, "/latest/" + token + ".jpg").status == 401);
    serve.stop();
    CHECK_FALSE(contains(serve.log(), token));
    CHECK(contains(serve.log(), "/stream/view&token=***"));
}

TEST_CASE("serve: an empty, unreadable or missing --token-file is a usage error (exit 2) that names the file") {
    ScratchDir dir;
    std::ofstream(dir / "empty") << "\n";
    std::ofstream(dir / "locked") << "tok";
    ::chmod((dir / "locked").c_str(), 0);
    std::ofstream(dir / "two-words") << "two words\n";
    bool root = ::geteuid() == 0;  // root reads a mode-0 file anyway
    for (auto [name, reason] : std::vector<std::pair<std::string, std::string>>{
             {"empty", "is empty"},
             {"locked", "cannot be read"},
             {"missing", "cannot be read"},
             {"two-words", "the token must be one line"}}) {
        if (root && name == "locked") continue;
        CAPTURE(name);
        auto run = run_ptzgrab({"serve", "--port", std::to_string(free_port()), "--token-file", (dir / name).string()},
                               {}, 20s);
        CHECK(run.exit_code == 2);
        CHECK(contains(run.err, (dir / name).string() + ": " + reason));
    }
    auto both = run_ptzgrab({"serve", "--token", "a", "--token-file", (dir / "empty").string()}, {}, 20s);
    CHECK(both.exit_code == 2);
}

TEST_CASE("serve: --help documents the timeouts, the Host and Origin rules and --token-file") {
    auto help = run_ptzgrab({"serve", "--help"}, {}, 20s);
    CHECK(help.exit_code == 0);
    CHECK(contains(help.out, "within 10 s"));
    CHECK(contains(help.out, "after 30 s"));
    CHECK(contains(help.out, "within 30 s is dropped"));
    CHECK(contains(help.out, "--allow-host"));
    CHECK(contains(help.out, "--token-file"));
    CHECK(contains(help.out, "421"));
    CHECK(contains(help.out, "Origin"));
}
