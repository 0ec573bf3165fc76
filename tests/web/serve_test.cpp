// `ptzgrab serve` as a user runs it, over real sockets, with real sources on loopback.
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>

#include "core/frame.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace ptzgrab::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

boost::json::value json_of(const HttpReply& reply) { return boost::json::parse(reply.body); }

// Polls /stream/cache (20 s at most) until no source has a grab in flight.
bool refreshes_settle(int port) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    for (;;) {
        bool in_flight = false;
        boost::json::value cache = json_of(http_get(port, "/stream/cache"));
        for (const auto& s : cache.at("sources").as_array())
            in_flight |= s.at("grab_in_flight").as_bool();
        if (!in_flight) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

std::string config_one(const std::string& name, const std::string& url, const std::string& extra = {}) {
    return "[{\"name\": \"" + name + "\", \"url\": \"" + url + "\"" + extra + "}]";
}

}  // namespace

TEST_CASE("serve: every endpoint answers with its status, headers and body type") {
    ServeProcess serve;
    int port = serve.port();
    auto snap = http_get(port, "/stream/snapshot");
    CHECK(snap.status == 200);
    CHECK(snap.header("content-type") == "image/jpeg");
    CHECK(snap.header("cache-control") == "no-store");
    CHECK(snap.header("x-cache") == "miss");
    CHECK(snap.header("x-source-status") == "online");
    CHECK_FALSE(snap.header("x-frame-grabbed-at").empty());
    CHECK_FALSE(snap.header("x-frame-age-ms").empty());
    CHECK(is_jpeg(snap.body));
    for (auto [target, type] : {std::pair{"/latest.jpg", "image/jpeg"}, {"/latest/demo.jpg", "image/jpeg"},
                                {"/stream/view", "text/html; charset=utf-8"}, {"/stream/cache", "application/json"},
                                {"/stream/info", "application/json"}, {"/healthz", "text/plain; charset=utf-8"},
                                {"/metrics", "text/plain; version=0.0.4; charset=utf-8"},
                                {"/assets/view.js", "text/javascript; charset=utf-8"}}) {
        CAPTURE(target);
        auto reply = http_get(port, target);
        CHECK(reply.status == 200);
        CHECK(reply.header("content-type") == type);
        CHECK_FALSE(reply.body.empty());
    }
    CHECK(http_get(port, "/latest.jpg").body == snap.body);  // the prepared buffer, as grabbed
    auto head = http_call(port, "HEAD", "/latest.jpg");
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == std::to_string(snap.body.size()));
    CHECK(json_of(http_get(port, "/stream/info")).at("ffmpeg").at("available") == true);
    CHECK(contains(http_get(port, "/metrics").body, "ptzgrab_grabs_total 1"));
    CHECK(http_call(port, "POST", "/stream/cache/clear").status == 200);
}

TEST_CASE("serve: bad parameters get 400, unknown paths 404 and wrong methods 405") {
    ServeProcess serve;
    int port = serve.port();
    for (const char* target : {"/stream/snapshot?width=-1", "/stream/snapshot?quality=abc",
                               "/stream/snapshot?source=nope", "/stream/snapshot?force_refresh=2"}) {
        CAPTURE(target);
        auto reply = http_get(port, target);
        CHECK(reply.status == 400);
        CHECK(reply.header("content-type") == "text/plain; charset=utf-8");
    }
    CHECK(http_get(port, "/nope").status == 404);
    CHECK(http_get(port, "/latest/nope.jpg").status == 404);
    CHECK(http_get(port, "/stream/cache/clear").status == 405);
    CHECK(http_call(port, "POST", "/stream/snapshot").status == 405);
    CHECK(http_call(port, "PUT", "/latest.jpg").status == 405);
    CHECK(http_get(port, "/stream/snapshot?url=rtsp://127.0.0.1:1/x").status == 403);
}

TEST_CASE("serve: force_refresh grabs anew, a held frame expires after max age, and clear drops it") {
    ServeProcess serve({"--max-age", "1"});
    int port = serve.port();
    auto first = http_get(port, "/stream/snapshot");
    auto second = http_get(port, "/stream/snapshot");
    CHECK(first.header("x-cache") == "miss");
    CHECK(second.header("x-cache") == "hit");
    CHECK(second.header("x-frame-grabbed-at") == first.header("x-frame-grabbed-at"));
    auto forced = http_get(port, "/stream/snapshot?force_refresh=1");
    CHECK(forced.header("x-cache") == "miss");
    CHECK(forced.header("x-frame-grabbed-at") != first.header("x-frame-grabbed-at"));
    std::this_thread::sleep_for(1200ms);
    auto expired = http_get(port, "/stream/snapshot");  // the held frame at once, a refresh behind it
    CHECK(expired.header("x-frame-grabbed-at") == forced.header("x-frame-grabbed-at"));
    REQUIRE(refreshes_settle(port));
    CHECK(json_of(http_get(port, "/stream/cache")).at("sources").at(0).at("grabs") == 3);
    CHECK(http_get(port, "/stream/snapshot").header("x-frame-grabbed-at") != forced.header("x-frame-grabbed-at"));
    auto cleared = json_of(http_call(port, "POST", "/stream/cache/clear?source=demo"));
    CHECK(cleared.at("cleared").at(0) == "demo");
    CHECK(json_of(http_get(port, "/stream/cache")).at("sources").at(0).at("has_frame") == false);
    CHECK(http_get(port, "/stream/snapshot").header("x-cache") == "miss");
}

TEST_CASE("serve: a one-shot source that goes offline after a good grab is served stale, offline, with its real age") {
    HlsSource hls;
    ScratchDir dir;
    auto config =
        write_config(dir, config_one("hls", hls.url(), ", \"max_age_s\": 1, \"timeout_s\": 8, \"live\": \"off\""));
    ServeProcess serve({"--config", config.string()});
    auto good = http_get(serve.port(), "/stream/snapshot");
    REQUIRE(good.status == 200);
    CHECK(good.header("x-source-status") == "online");
    hls.stop();
    std::this_thread::sleep_for(1500ms);
    http_get(serve.port(), "/stream/snapshot");  // answered at once; the refresh behind it fails
    REQUIRE(refreshes_settle(serve.port()));
    auto stale = http_get(serve.port(), "/stream/snapshot");
    CHECK(stale.status == 200);
    CHECK(stale.header("x-cache") == "stale");
    CHECK(stale.header("x-source-status") == "offline");
    CHECK_FALSE(stale.header("x-grab-error").empty());
    CHECK(std::stoll(stale.header("x-frame-age-ms")) >= 1500);
    CHECK(stale.header("x-frame-grabbed-at") == good.header("x-frame-grabbed-at"));
    CHECK(stale.body == good.body);
    auto cache = json_of(http_get(serve.port(), "/stream/cache")).at("sources").at(0);
    CHECK(cache.at("failures") == 1);
    CHECK(cache.at("last_error").is_object());
}

TEST_CASE("serve: a dead source answers the diagnostic card, 504 when silent and 502 when refused") {
    SilentTcpServer silent;
    ScratchDir dir;
    std::string json = "[{\"name\": \"silent\", \"url\": \"rtsp://127.0.0.1:" + std::to_string(silent.port()) +
                       "/s\", \"timeout_s\": 2}, {\"name\": \"refused\", \"url\": \"http://127.0.0.1:" +
                       std::to_string(free_port()) + "/v.mjpg\"}]";
    ServeProcess serve({"--config", write_config(dir, json).string()});
    auto timeout = http_get(serve.port(), "/stream/snapshot?source=silent");
    CHECK(timeout.status == 504);
    CHECK(timeout.header("content-type") == "image/jpeg");
    CHECK(timeout.header("x-grab-error") == "timeout");
    CHECK(is_jpeg(timeout.body));
    auto refused = http_get(serve.port(), "/stream/snapshot?source=refused");
    CHECK(refused.status == 502);
    CHECK(refused.header("x-grab-error") == "source_unreachable");
    CHECK(is_jpeg(refused.body));
}

TEST_CASE("serve: path traversal on /assets/ never leaves the assets folder") {
    ServeProcess serve({"--assets-dir", (source_dir() / "assets").string()});
    for (const char* path : {"/assets/../CMakeLists.txt", "/assets/%2e%2e/CMakeLists.txt",
                             "/assets/%2E%2E/CMakeLists.txt", "/assets/%252e%252e/CMakeLists.txt",
                             "/assets/..%2fCMakeLists.txt", "/assets/vendor/../../CMakeLists.txt",
                             "/assets/..\\CMakeLists.txt", "/assets/%2e%2e%5cCMakeLists.txt",
                             "/assets/../../../../etc/passwd", "/assets/%00../CMakeLists.txt"}) {
        CAPTURE(path);
        auto raw = raw_exchange(serve.port(),
                                std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 10s);
        CHECK_FALSE(raw.received.starts_with("HTTP/1.1 200"));
        CHECK_FALSE(contains(raw.received, "cmake_minimum_required"));
        CHECK_FALSE(contains(raw.received, "root:"));
    }
    CHECK(http_get(serve.port(), "/assets/view.css").status == 200);
}

TEST_CASE("serve: a client that sends its headers slowly is cut off by the server") {
    ServeProcess serve;
    auto raw = raw_exchange(serve.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n", 25s);
    CHECK(raw.closed_by_server);
    CHECK(http_get(serve.port(), "/healthz").status == 200);  // and it still serves others
}

TEST_CASE("serve: pipelined requests on one keep-alive connection are answered in order") {
    ServeProcess serve;
    std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    auto raw = raw_exchange(serve.port(), two, 20s);
    CHECK(raw.closed_by_server);
    size_t first = raw.received.find("HTTP/1.1 200");
    size_t second = raw.received.find("HTTP/1.1 404");
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(first < second);
}

TEST_CASE("serve: oversized request headers are refused with 431 and the connection closed") {
    ServeProcess serve;
    std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
    auto raw = raw_exchange(serve.port(), request, 20s);
    CHECK(raw.received.starts_with("HTTP/1.1 431"));
    CHECK(raw.closed_by_server);
}

TEST_CASE("serve: an idle keep-alive connection is closed by the server") {
    ServeProcess serve;
    auto raw = raw_exchange(serve.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 50s);
    CHECK(raw.received.starts_with("HTTP/1.1 200"));
    CHECK(raw.closed_by_server);
}

TEST_CASE("serve: bad config files stop the start, naming the file and the field") {
    ScratchDir dir;
    for (auto [json, field] : {std::pair{"[{\"name\": \"a\"}]", "sources[0].url"},
                               {"[{\"name\": \"a\", \"url\": \"rtsp://x/\", \"fps\": 3}]", "sources[0].fps"},
                               {"[{\"name\": \"a\", \"url\": \"rtsp://x/\", \"quality\": 500}]", "sources[0].quality"},
                               {"[{\"name\": \"a\", \"url\": \"rtsp://x/\"}, {\"name\": \"a\", \"url\": \"rtsp://y/\"}]",
                                "sources[1].name"},
                               {"[{\"name\": \"a\", \"url\": \"ftp://x/\"}]", "sources[0].url"},
                               {"{not json", "not valid YAML"}}) {
        CAPTURE(json);
        auto file = write_config(dir, json);
        auto result = run_ptzgrab({"serve", "--config", file.string(), "--port", std::to_string(free_port())}, {}, 20s);
        CHECK(result.exit_code != 0);
        CHECK(contains(result.err, file.string()));
        CHECK(contains(result.err, field));
    }
    CHECK(run_ptzgrab({"serve", "--url", "concat:a|b", "--port", std::to_string(free_port())}, {}, 20s).exit_code != 0);
}

TEST_CASE("serve: 50 concurrent cold requests share exactly one ffmpeg start") {
    ScratchDir dir;
    fs::path starts = dir / "starts.log";
    // Counts grabs (not `-version` probes) and holds each one a second so that all 50 arrive during it.
    auto wrapper = write_script(dir / "ffmpeg", "case \"$*\" in *-frames:v*) echo start >> '" + starts.string() +
                                                    "'; sleep 1;; esac\nexec /usr/bin/ffmpeg \"$@\"");
    ServeProcess serve({"--ffmpeg", wrapper.string()});
    std::vector<std::future<HttpReply>> replies;
    for (int i = 0; i < 50; ++i)
        replies.push_back(std::async(std::launch::async, [&] { return http_get(serve.port(), "/stream/snapshot"); }));
    int ok = 0, shared = 0;
    for (auto& r : replies) {
        HttpReply reply = r.get();
        ok += reply.status == 200;
        shared += reply.header("x-cache") == "miss";
    }
    CHECK(ok == 50);
    CHECK(shared > 1);  // requests joined the grab in flight, not only the cache after it
    std::ifstream in(starts);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "start\n");
}

TEST_CASE("serve: latest frames go to the static dir, or to the fallback folder when it is not writable") {
    SUBCASE("a writable static dir") {
        ServeProcess serve;
        REQUIRE(http_get(serve.port(), "/stream/snapshot").status == 200);
        fs::path dir = serve.dir() / "static";
        bool written = false;
        for (int i = 0; i < 100 && !written; ++i, std::this_thread::sleep_for(100ms))
            written = fs::exists(dir / "latest.jpg") && fs::exists(dir / "demo" / "latest.jpg");
        CHECK(written);
    }
    SUBCASE("a static dir under a regular file") {
        ScratchDir dir;
        std::ofstream(dir / "plain-file") << "x";
        fs::path state = dir / "state";
        ServeProcess serve({"--static-dir", (dir / "plain-file" / "static").string()},
                           {{"PTZGRAB_STATE_DIR", state.string()}, {"XDG_RUNTIME_DIR", ""}});
        REQUIRE(http_get(serve.port(), "/stream/snapshot").status == 200);
        bool written = false;
        for (int i = 0; i < 100 && !written; ++i, std::this_thread::sleep_for(100ms))
            written = fs::exists(state / "latest.jpg");
        CHECK(written);
        auto info = json_of(http_get(serve.port(), "/stream/info")).at("latest_frames");
        CHECK(info.at("fallback") == true);
        CHECK(contains(std::string(info.at("dir").as_string()), state.string()));
        CHECK(http_get(serve.port(), "/latest.jpg").status == 200);
        CHECK(http_get(serve.port(), "/stream/snapshot?force_refresh=1").status == 200);
    }
}

TEST_CASE("serve: with a token, requests need it as Bearer or ?token=, /healthz stays open, the log never shows it") {
    const std::string token = "tok-8f3a2c91";
    ServeProcess serve({"--token", token});
    int port = serve.port();
    CHECK(http_get(port, "/stream/cache").status == 401);
    CHECK(http_get(port, "/stream/snapshot").status == 401);
    CHECK(http_get(port, "/stream/cache", {{"Authorization", "Bearer " + token}}).status == 200);
    CHECK(http_get(port, "/stream/snapshot?token=" + token).status == 200);
    CHECK(http_get(port, "/healthz").status == 200);
    serve.stop();
    std::string log = serve.log();
    CHECK(contains(log, "/stream/snapshot?token=***"));
    CHECK_FALSE(contains(log, token));
}

TEST_CASE("serve: the token can come from $PTZGRAB_TOKEN") {
    ServeProcess serve({}, {{"PTZGRAB_TOKEN", "env-token-77"}});
    CHECK(http_get(serve.port(), "/stream/info").status == 401);
    CHECK(http_get(serve.port(), "/stream/info?token=env-token-77").status == 200);
}

TEST_CASE("serve: a source's password appears in no answer and no log line") {
    ScratchDir dir;
    std::string url = "rtsp://admin:hunter22@127.0.0.1:" + std::to_string(free_port()) + "/s";
    ServeProcess serve({"--config", write_config(dir, config_one("cam", url, ", \"timeout_s\": 3")).string()});
    int port = serve.port();
    auto card = http_get(port, "/stream/snapshot");
    CHECK(card.status >= 500);
    for (const char* target : {"/stream/info", "/stream/cache", "/stream/view", "/metrics"}) {
        CAPTURE(target);
        auto reply = http_get(port, target);
        CHECK(reply.status == 200);
        CHECK_FALSE(contains(reply.body, "hunter22"));
    }
    serve.stop();
    CHECK_FALSE(contains(serve.log(), "hunter22"));
}

TEST_CASE("serve: SIGTERM during a grab cancels it, answers the waiting client and stops") {
    SilentTcpServer silent;
    ScratchDir dir;
    std::string url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/s";
    ServeProcess serve({"--config", write_config(dir, config_one("silent", url, ", \"timeout_s\": 60")).string()});
    auto waiting = std::async(std::launch::async, [&] { return http_get(serve.port(), "/stream/snapshot"); });
    bool grabbing = false;
    for (int i = 0; i < 100 && !grabbing; ++i, std::this_thread::sleep_for(100ms))
        grabbing = contains(http_get(serve.port(), "/metrics").body, "ptzgrab_ffmpeg_processes_running 1");
    REQUIRE(grabbing);
    REQUIRE(serve.signal(SIGTERM));
    HttpReply reply = waiting.get();
    CHECK(reply.status == 503);
    CHECK(reply.header("x-grab-error") == "cancelled");
    for (int i = 0; i < 100 && serve.running(); ++i) std::this_thread::sleep_for(100ms);
    CHECK_FALSE(serve.running());
    CHECK(processes_with_arg("127.0.0.1:" + std::to_string(silent.port())).empty());
}
