// The /ptz/ routes without sockets or a camera: which method each takes, the Host, Origin and token
// checks in front of them, unknown and unsteerable sources, strict numbers. The connect seam only
// counts attempts and fails like an unreachable camera: what the camera does is tested in serve_ptz_test.
#include <doctest/doctest.h>

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "router_fixture.hpp"
#include "web/ptz_cameras.hpp"
#include "web/responses.hpp"

using ptzgrab::testing::RouterFixture;
using namespace std::chrono_literals;
namespace http = ptzgrab::web::http;
namespace json = boost::json;

namespace {

std::string body(const ptzgrab::web::Response& r) { return std::string(ptzgrab::web::body_view(r)); }

ptzgrab::SourceConfig steerable(const std::string& name, const std::string& password = "s3cret-pw") {
    auto source = RouterFixture::source(name);
    source.onvif = ptzgrab::OnvifSettings{"http://127.0.0.1:9/onvif/device_service", "admin", password, ""};
    return source;
}

// A router whose source "cam" has onvif settings and "plain" has none; every connect is counted and
// fails the way a camera that refuses the connection does.
struct PtzFixture {
    std::atomic<int> connects{0};
    RouterFixture router{{steerable("cam"), RouterFixture::source("plain")}, "tok"};
    ptzgrab::web::PtzCameras cameras{*router.cache.sources(), [this](const ptzgrab::OnvifSettings& camera, std::stop_token)
                                         -> ptzgrab::Result<std::unique_ptr<ptzgrab::ptz::PtzClient>> {
                                         ++connects;
                                         return ptzgrab::make_error(ptzgrab::ErrorKind::source_unreachable,
                                                                    "connection refused by " + camera.device_url,
                                                                    "password was " + camera.password);
                                     }};
    PtzFixture() { router.context.ptz = &cameras; }
    ~PtzFixture() { router.context.ptz = nullptr; }

    ptzgrab::web::Response call(const std::string& method, const std::string& target,
                                std::map<std::string, std::string> headers = {}) {
        headers.emplace("Authorization", "Bearer tok");
        return router.call(method, target, headers);
    }
};

json::object error_of(const ptzgrab::web::Response& r) { return json::parse(body(r)).as_object(); }

const char* const post_routes[] = {"/ptz/move?source=cam&pan=0.5", "/ptz/stop?source=cam",
                                   "/ptz/goto?source=cam&preset=1", "/ptz/presets?source=cam&name=door",
                                   "/ptz/presets/remove?source=cam&preset=1", "/ptz/home?source=cam",
                                   "/ptz/home/set?source=cam"};

}  // namespace

TEST_CASE("ptz routes: a GET on a route that changes the camera is 405 with Allow: POST, and the camera is not asked") {
    PtzFixture f;
    for (std::string target : {"/ptz/move?source=cam&pan=0.5", "/ptz/stop?source=cam", "/ptz/goto?source=cam&preset=1",
                               "/ptz/presets/remove?source=cam&preset=1", "/ptz/home?source=cam", "/ptz/home/set?source=cam"}) {
        CAPTURE(target);
        auto res = f.call("GET", target);
        CHECK(res.result() == http::status::method_not_allowed);
        CHECK(res[http::field::allow] == "POST");
    }
    CHECK(f.call("PUT", "/ptz/move?source=cam&pan=0.5").result() == http::status::method_not_allowed);
    CHECK(f.connects == 0);
}

TEST_CASE("ptz routes: /ptz/presets lists on GET and saves on POST; DELETE is 405 naming both") {
    PtzFixture f;
    auto res = f.call("DELETE", "/ptz/presets?source=cam");
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(res[http::field::allow] == "GET, HEAD, POST");
    CHECK(f.call("POST", "/ptz/info?source=cam").result() == http::status::method_not_allowed);
    CHECK(f.connects == 0);
    CHECK(f.call("GET", "/ptz/presets?source=cam").result() == http::status::bad_gateway);
    CHECK(f.call("POST", "/ptz/presets?source=cam&name=door").result() == http::status::bad_gateway);
    CHECK(f.connects == 2);
}

TEST_CASE("ptz routes: a cross-site page cannot move the camera (403) and the camera is never contacted") {
    PtzFixture f;
    for (const char* target : post_routes) {
        CAPTURE(target);
        CHECK(f.call("POST", target, {{"Origin", "http://evil.example"}}).result() == http::status::forbidden);
        CHECK(f.call("POST", target, {{"Sec-Fetch-Site", "cross-site"}}).result() == http::status::forbidden);
        CHECK(f.call("POST", target, {{"Origin", "null"}}).result() == http::status::forbidden);
    }
    CHECK(f.connects == 0);
    // The same request from the server's own page reaches the camera (here: one that refuses).
    auto same = f.call("POST", "/ptz/stop?source=cam", {{"Origin", "http://127.0.0.1:8080"}, {"Sec-Fetch-Site", "same-origin"}});
    CHECK(same.result() == http::status::bad_gateway);
    CHECK(f.connects == 1);
}

TEST_CASE("ptz routes: a foreign Host (DNS rebinding) is refused with 421 before the camera is asked") {
    PtzFixture f;
    for (const char* target : post_routes) {
        CAPTURE(target);
        CHECK(f.call("POST", target, {{"Host", "evil.example"}}).result() == http::status::misdirected_request);
    }
    CHECK(f.call("GET", "/ptz/status?source=cam", {{"Host", "evil.example:8080"}}).result() ==
          http::status::misdirected_request);
    CHECK(f.connects == 0);
}

TEST_CASE("ptz routes: without the token every route is 401 and the camera is not asked") {
    PtzFixture f;
    for (const char* target : post_routes) {
        CAPTURE(target);
        CHECK(f.router.call("POST", target).result() == http::status::unauthorized);
    }
    CHECK(f.router.call("GET", "/ptz/presets?source=cam").result() == http::status::unauthorized);
    CHECK(f.router.call("GET", "/ptz/status?source=cam", {{"Authorization", "Bearer wrong"}}).result() ==
          http::status::unauthorized);
    CHECK(f.connects == 0);
}

TEST_CASE("ptz routes: an unknown source is 404 and a source without onvif settings is 409, as JSON with a reason") {
    PtzFixture f;
    auto unknown = f.call("POST", "/ptz/move?source=nope&pan=0.5");
    CHECK(unknown.result() == http::status::not_found);
    CHECK(error_of(unknown).at("error") == "not_found");
    CHECK(f.call("GET", "/ptz/status?source=nope").result() == http::status::not_found);
    auto plain = f.call("GET", "/ptz/presets?source=plain");
    CHECK(plain.result() == http::status::conflict);
    CHECK(error_of(plain).at("error") == "unsupported");
    CHECK(error_of(plain).at("reason").as_string().find("plain") != json::string::npos);
    CHECK(f.call("POST", "/ptz/home?source=plain").result() == http::status::conflict);
    CHECK(f.connects == 0);
}

TEST_CASE("ptz routes: with no PTZ in the server at all every source is 409") {
    RouterFixture f({steerable("cam")});
    CHECK(f.call("GET", "/ptz/status?source=cam").result() == http::status::conflict);
    CHECK(f.call("POST", "/ptz/stop?source=cam").result() == http::status::conflict);
}

TEST_CASE("ptz routes: numbers are parsed strictly and bad ones are 400 before the camera is asked") {
    PtzFixture f;
    for (std::string query : {"pan=abc", "pan=", "pan=0.5x", "pan=1e0", "pan=inf", "pan=nan", "pan=+0.5", "pan= 0.5",
                              "pan=1.5", "tilt=-1.01", "zoom=2", "mode=absolute&zoom=-0.5", "pan=0.5&speed=0",
                              "pan=0.5&speed=1.5", "pan=0.5&duration=0", "pan=0.5&duration=61", "pan=0.5&duration=-1",
                              "mode=relative&pan=0.1&duration=1", "", "mode=spin&pan=0.5", "mode=center&x=0.5",
                              "mode=center&x=2&y=0", "mode=center&x=0&y=0&pan=0.1", "pan=0.1&x=0.5",
                              "pan=0.5&then=json"}) {
        CAPTURE(query);
        auto res = f.call("POST", "/ptz/move?source=cam&" + query);
        CHECK(res.result() == http::status::bad_request);
        CHECK(error_of(res).at("error") == "invalid_input");
    }
    CHECK(f.call("POST", "/ptz/goto?source=cam").result() == http::status::bad_request);
    CHECK(f.call("POST", "/ptz/goto?source=cam&preset=1&speed=fast").result() == http::status::bad_request);
    CHECK(f.call("POST", "/ptz/home?source=cam&speed=-0.2").result() == http::status::bad_request);
    CHECK(f.call("POST", "/ptz/presets?source=cam&name=").result() == http::status::bad_request);
    CHECK(f.call("POST", "/ptz/presets?source=cam&name=" + std::string(300, 'a')).result() == http::status::bad_request);
    CHECK(f.call("POST", "/ptz/presets/remove?source=cam").result() == http::status::bad_request);
    CHECK(f.connects == 0);
    // The edges themselves are good values: they reach the camera.
    for (std::string query : {"pan=-1&tilt=1&zoom=-1&speed=1&duration=0.2", "mode=absolute&pan=1&zoom=0",
                              "mode=relative&pan=-0.25", "mode=center&x=-1&y=1", "pan=.5"}) {
        CAPTURE(query);
        CHECK(f.call("POST", "/ptz/move?source=cam&" + query).result() == http::status::bad_gateway);
    }
    CHECK(f.connects == 5);
}

TEST_CASE("ptz routes: a failed connect is answered 502, never shows the password, and is tried again next time") {
    PtzFixture f;
    auto first = f.call("GET", "/ptz/status?source=cam");
    CHECK(first.result() == http::status::bad_gateway);
    CHECK(error_of(first).at("error") == "source_unreachable");
    CHECK(body(first).find("s3cret-pw") == std::string::npos);
    CHECK(error_of(first).at("reason").as_string().find("127.0.0.1:9") != json::string::npos);
    CHECK(f.call("GET", "/ptz/status?source=cam").result() == http::status::bad_gateway);
    CHECK(f.connects == 2);
    auto log = f.router.log_lines();
    REQUIRE(log.size() >= 2);
    CHECK(log.back().find("/ptz/status") != std::string::npos);
    CHECK(log.back().find(" 502 ") != std::string::npos);
}

TEST_CASE("ptz routes: /stream/info says which sources can be steered") {
    PtzFixture f;
    auto sources = json::parse(body(f.call("GET", "/stream/info"))).at("sources").as_array();
    REQUIRE(sources.size() == 2);
    CHECK(sources[0].at("name") == "cam");
    CHECK(sources[0].at("ptz") == true);
    CHECK(sources[1].at("ptz") == false);
    CHECK(body(f.call("GET", "/stream/info")).find("s3cret-pw") == std::string::npos);
}

TEST_CASE("ptz routes: the view page shows camera controls only for a source that can be steered") {
    PtzFixture f;
    std::string cam = body(f.call("GET", "/stream/view?source=cam"));
    CHECK(cam.find("data-ptz=\"1\"") != std::string::npos);
    CHECK(cam.find("id=\"ptz-presets\"") != std::string::npos);
    CHECK(cam.find("id=\"ptz-right\"") != std::string::npos);
    CHECK(cam.find("s3cret-pw") == std::string::npos);
    std::string plain = body(f.call("GET", "/stream/view?source=plain"));
    CHECK(plain.find("data-ptz=\"0\"") != std::string::npos);
    CHECK(plain.find("id=\"ptz-") == std::string::npos);
    CHECK(f.connects == 0);  // showing the page does not contact the camera
}

namespace {

// A camera whose connect blocks until the test releases it (to hold requests in the queue), then
// fails; or throws (a connect must not lose the request's answer).
struct HeldCamera {
    std::mutex mutex;
    std::condition_variable changed;
    bool released = false;
    int entered = 0;
    bool throws = false;

    ptzgrab::web::PtzCameras::Connect connect() {
        return [this](const ptzgrab::OnvifSettings&, std::stop_token) -> ptzgrab::Result<std::unique_ptr<ptzgrab::ptz::PtzClient>> {
            std::unique_lock lock(mutex);
            ++entered;
            changed.notify_all();
            if (throws) throw std::runtime_error("connect blew up");
            changed.wait_for(lock, 20s, [this] { return released; });
            return ptzgrab::make_error(ptzgrab::ErrorKind::source_unreachable, "refused");
        };
    }
    bool wait_entered(int n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 10s, [&] { return entered >= n; });
    }
    void release() {
        std::lock_guard lock(mutex);
        released = true;
        changed.notify_all();
    }
};

// Every answer the router gives to one request, counted (a request must get exactly one).
struct Answers {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<ptzgrab::web::Response> got;

    void send(RouterFixture& router, const std::string& target) {
        ptzgrab::web::Request request{http::verb::post, target, 11};
        request.set(http::field::host, "127.0.0.1:8080");
        request.set(http::field::authorization, "Bearer tok");
        router.router.handle(request, [this](ptzgrab::web::Answer answer) {
            std::lock_guard lock(mutex);
            got.push_back(std::move(answer.head));
            changed.notify_all();
        });
    }
    bool wait_for(size_t n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 10s, [&] { return got.size() >= n; });
    }
    size_t count() {
        std::lock_guard lock(mutex);
        return got.size();
    }
};

}  // namespace

TEST_CASE("ptz routes: a connect that throws is still answered, exactly once, and the next request connects again") {
    HeldCamera camera;
    camera.throws = true;
    RouterFixture router{{steerable("cam")}, "tok"};
    ptzgrab::web::PtzCameras cameras{*router.cache.sources(), camera.connect()};
    router.context.ptz = &cameras;
    Answers answers;
    answers.send(router, "/ptz/stop?source=cam");
    REQUIRE(answers.wait_for(1));
    CHECK(answers.got[0].result() == http::status::bad_gateway);
    CHECK(error_of(answers.got[0]).at("error") == "source_unreachable");
    answers.send(router, "/ptz/stop?source=cam");
    REQUIRE(answers.wait_for(2));
    CHECK(camera.wait_entered(2));
    std::this_thread::sleep_for(100ms);  // a second answer to either request would land by now
    CHECK(answers.count() == 2);
    router.context.ptz = nullptr;
}

TEST_CASE("ptz routes: behind a camera that does not answer at most 4 requests wait; more are 503 with Retry-After") {
    HeldCamera camera;
    RouterFixture router{{steerable("cam")}, "tok"};
    {
        ptzgrab::web::PtzCameras cameras{*router.cache.sources(), camera.connect()};
        router.context.ptz = &cameras;
        Answers held;
        held.send(router, "/ptz/move?source=cam&pan=0.5");
        REQUIRE(camera.wait_entered(1));  // the lane is busy with it: the next ones wait
        for (int i = 0; i < ptzgrab::web::PtzCameras::max_pending_calls; ++i) held.send(router, "/ptz/move?source=cam&pan=0.5");
        CHECK(held.count() == 0);

        auto busy = router.call("POST", "/ptz/move?source=cam&pan=0.5", {{"Authorization", "Bearer tok"}});
        CHECK(busy.result() == http::status::service_unavailable);
        CHECK(busy[http::field::retry_after] == "1");
        CHECK(error_of(busy).at("error") == "busy");
        CHECK(error_of(busy).at("reason").as_string().find("cam") != json::string::npos);
        CHECK(router.call("GET", "/ptz/status?source=cam", {{"Authorization", "Bearer tok"}}).result() ==
              http::status::service_unavailable);

        camera.release();
        REQUIRE(held.wait_for(5));
        for (const auto& answer : held.got) CHECK(answer.result() == http::status::bad_gateway);
        // Drained: the queue takes requests again.
        CHECK(router.call("POST", "/ptz/stop?source=cam", {{"Authorization", "Bearer tok"}}).result() ==
              http::status::bad_gateway);
        CHECK(camera.wait_entered(6));  // each request connected (and failed) in turn
        router.context.ptz = nullptr;
    }
}

TEST_CASE("ptz routes: a POST without source= is 400 and steers nothing; a GET still means the first source") {
    PtzFixture f;
    for (std::string target : {"/ptz/move?pan=0.5", "/ptz/stop", "/ptz/goto?preset=1", "/ptz/presets?name=door",
                               "/ptz/presets/remove?preset=1", "/ptz/home", "/ptz/home/set"}) {
        CAPTURE(target);
        auto res = f.call("POST", target);
        CHECK(res.result() == http::status::bad_request);
        CHECK(error_of(res).at("reason").as_string().find("source=") != json::string::npos);
    }
    CHECK(f.connects == 0);
    CHECK(f.call("GET", "/ptz/status").result() == http::status::bad_gateway);  // "cam", the first source
    CHECK(f.connects == 1);
}

TEST_CASE("ptz routes: a long reason is cut on a UTF-8 character boundary, so the JSON stays valid") {
    RouterFixture router{{steerable("cam")}, "tok"};
    std::string long_reason = "x";
    for (int i = 0; i < 200; ++i) long_reason += "\xC3\xA9";  // "é": byte 300 is the middle of one
    ptzgrab::web::PtzCameras cameras{*router.cache.sources(), [&](const ptzgrab::OnvifSettings&, std::stop_token)
                                         -> ptzgrab::Result<std::unique_ptr<ptzgrab::ptz::PtzClient>> {
                                         return ptzgrab::make_error(ptzgrab::ErrorKind::source_unreachable, long_reason);
                                     }};
    router.context.ptz = &cameras;
    auto res = router.call("GET", "/ptz/status?source=cam", {{"Authorization", "Bearer tok"}});
    router.context.ptz = nullptr;
    CHECK(res.result() == http::status::bad_gateway);
    json::object answer = error_of(res);  // throws on a cut character
    std::string reason(answer.at("reason").as_string());
    CHECK(reason.size() == 299);
    CHECK(long_reason.starts_with(reason));
}
