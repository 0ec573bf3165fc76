// The /ptz/ routes of `ptzgrab serve` over real sockets, steering the loopback ONVIF test camera whose
// RTSP picture is the source: every move with then=snapshot is proven by where its JPEG lies in the
// camera's base image, so a frame from before the move fails the test.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <csignal>
#include <thread>

#include "http_client.hpp"
#include "serve_process.hpp"
#include "support/fixtures.hpp"
#include "support/onvif_camera.hpp"
#include "support/picture_checks.hpp"

using namespace ptzgrab::testing;
namespace json = boost::json;

namespace {

constexpr double position_tolerance = 0.05;  // generic units; the picture is 640x360 of a 1920x1080 image
const std::map<std::string, std::string> no_headers;

// One steerable source on the camera's own stream (live: "always" or "off") and one plain source.
std::string config_for(const OnvifCamera& camera, const std::string& live) {
    return "[{\"name\": \"cam\", \"url\": \"" + camera.rtsp_url() + "\", \"live\": \"" + live +
           "\", \"timeout_s\": 10, \"onvif\": {\"url\": \"" + camera.device_url() + "\", \"user\": \"" + camera.user() +
           "\", \"password\": \"" + camera.password() + "\"}},"
           " {\"name\": \"plain\", \"url\": \"" + camera.rtsp_url() + "\", \"live\": \"off\"}]";
}

struct Served {
    OnvifCamera camera;
    ScratchDir dir;
    ServeProcess serve;
    explicit Served(const std::string& live, OnvifCameraOptions options = {}, std::vector<std::string> serve_args = {})
        : camera(options), serve(with_config(serve_args, write_config(dir, config_for(camera, live)))) {}

    static std::vector<std::string> with_config(std::vector<std::string> args, const fs::path& config) {
        args.insert(args.begin(), {"--config", config.string()});
        return args;
    }

    HttpReply call(const std::string& method, const std::string& target,
                   const std::map<std::string, std::string>& headers = no_headers) {
        auto reply = http_call(serve.port(), method, target, headers, std::chrono::seconds(60));
        INFO(method << " " << target << " -> " << reply.status << " " << (reply.status == 200 ? "" : reply.body));
        CHECK(reply.body.find(camera.password()) == std::string::npos);
        for (const auto& [name, value] : reply.headers) CHECK(value.find(camera.password()) == std::string::npos);
        return reply;
    }
    json::value json_of(const std::string& method, const std::string& target) {
        auto reply = call(method, target);
        REQUIRE_MESSAGE(reply.status == 200, reply.body);
        return json::parse(reply.body);
    }
};

void check_picture_at(const HttpReply& reply, PtzPosition expected) {
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    REQUIRE(reply.header("content-type") == "image/jpeg");
    CHECK(reply.header("x-ptz-settled") == "true");
    CHECK_FALSE(reply.header("x-ptz-settle-ms").empty());
    std::vector<uint8_t> jpeg(reply.body.begin(), reply.body.end());
    auto where = locate_picture(jpeg, OnvifCamera::base_image());
    REQUIRE(where.has_value());
    check_picture_at(*where, expected, position_tolerance);
}

double axis(const json::value& status, const char* name) {
    return status.at("position").at(name).to_number<double>();
}

void moves_presets_and_home_show_in_the_picture(Served& s) {
    check_picture_at(s.call("POST", "/ptz/move?source=cam&mode=absolute&pan=0.6&tilt=0.3&zoom=0.5&then=snapshot"),
                     {0.6, 0.3, 0.5});
    json::value status = s.json_of("GET", "/ptz/status?source=cam");
    CHECK(axis(status, "pan") == doctest::Approx(0.6).epsilon(0.02));
    CHECK(status.at("move_status").at("pan_tilt") == "idle");

    std::string token(s.json_of("POST", "/ptz/presets?source=cam&name=Door%20side").at("token").as_string());
    CHECK_FALSE(token.empty());
    bool listed = false;
    json::value presets = s.json_of("GET", "/ptz/presets?source=cam");
    for (const json::value& p : presets.at("presets").as_array())
        listed |= p.at("token").as_string() == token && p.at("name") == "Door side";
    CHECK(listed);

    check_picture_at(s.call("POST", "/ptz/home?source=cam&then=snapshot"), {0, 0, 0});
    check_picture_at(s.call("POST", "/ptz/goto?source=cam&preset=" + token + "&then=snapshot"), {0.6, 0.3, 0.5});
    check_picture_at(s.call("POST", "/ptz/move?source=cam&mode=relative&pan=-0.4&tilt=-0.3&then=snapshot"),
                     {0.2, 0.0, 0.5});

    CHECK(s.call("POST", "/ptz/presets/remove?source=cam&preset=" + token).status == 200);
    auto gone = s.call("POST", "/ptz/goto?source=cam&preset=" + token);
    CHECK(gone.status == 404);
    CHECK(json::parse(gone.body).at("error") == "not_found");
}

}  // namespace

TEST_CASE("serve ptz: on a live source, absolute, relative, preset and home moves with then=snapshot answer a "
          "frame of the new position") {
    Served s("always");
    moves_presets_and_home_show_in_the_picture(s);
}

TEST_CASE("serve ptz: on a one-shot source the frame after the move is a new grab of the new position") {
    Served s("off");
    moves_presets_and_home_show_in_the_picture(s);
}

TEST_CASE("serve ptz: a held continuous move turns the camera, stop ends it, and the camera's dead-man "
          "Timeout stops one whose stop is lost") {
    Served s("off");
    CHECK(s.call("POST", "/ptz/move?source=cam&pan=0.5&duration=5").status == 200);
    std::this_thread::sleep_for(600ms);
    CHECK(s.call("POST", "/ptz/stop?source=cam").status == 200);
    double stopped_at = axis(s.json_of("GET", "/ptz/status?source=cam"), "pan");
    CHECK(stopped_at > 0.1);
    std::this_thread::sleep_for(500ms);
    CHECK(axis(s.json_of("GET", "/ptz/status?source=cam"), "pan") == doctest::Approx(stopped_at).epsilon(0.01));

    // No stop: the 0.5 s Timeout stops it (at most 0.5 * 0.5 * speed 1.0 further), then the picture shows it.
    auto lost = s.call("POST", "/ptz/move?source=cam&pan=-0.5&duration=0.5&then=snapshot");
    REQUIRE(lost.status == 200);
    double after = axis(s.json_of("GET", "/ptz/status?source=cam"), "pan");
    CHECK(std::abs(after - (stopped_at - 0.25)) < 0.08);
    check_picture_at(lost, {after, 0, 0});
}

TEST_CASE("serve ptz: click to center moves the point of the picture to its middle") {
    Served s("off");
    check_picture_at(s.call("POST", "/ptz/move?source=cam&mode=absolute&pan=0&tilt=0&zoom=0.5&then=snapshot"), {0, 0, 0.5});
    // zoom 0.5: crop 384 px wide of 1920, so x = 1 (the right edge) is dpan = 384 / (1920 - 384) = 0.25.
    check_picture_at(s.call("POST", "/ptz/move?source=cam&mode=center&x=1&y=0&then=snapshot"), {0.25, 0, 0.5});
}

TEST_CASE("serve ptz: info, errors as JSON with fitting statuses, ptz in /stream/info, and no password anywhere") {
    Served s("off", {.unnamed_presets = 2});
    json::value info = s.json_of("GET", "/ptz/info?source=cam");
    CHECK(info.at("capabilities").at("absolute").as_bool());
    CHECK_FALSE(info.at("profile").at("token").as_string().empty());
    auto presets = s.json_of("GET", "/ptz/presets?source=cam").at("presets").as_array();
    REQUIRE(presets.size() == 2);
    CHECK(std::string(presets[0].at("label").as_string()) == "preset " + std::string(presets[0].at("token").as_string()));

    auto unknown = s.call("POST", "/ptz/goto?source=cam&preset=nowhere");
    CHECK(unknown.status == 404);
    CHECK(json::parse(unknown.body).at("error") == "not_found");
    CHECK(s.call("GET", "/ptz/status?source=plain").status == 409);
    CHECK(s.call("GET", "/ptz/status?source=other").status == 404);
    CHECK(s.call("POST", "/ptz/move?source=cam&mode=absolute&pan=0.5&zoom=7").status == 400);
    CHECK(s.call("GET", "/ptz/move?source=cam&pan=0.5").status == 405);

    auto sources = s.json_of("GET", "/stream/info").at("sources").as_array();
    CHECK(sources.at(0).at("ptz") == true);
    CHECK(sources.at(1).at("ptz") == false);
}

TEST_CASE("serve ptz: a cross-site POST or a foreign Host never reaches the camera") {
    Served s("off");
    CHECK(s.json_of("GET", "/ptz/status?source=cam").at("move_status").at("pan_tilt") == "idle");
    size_t before = s.camera.log_lines().size();
    CHECK(s.call("POST", "/ptz/move?source=cam&pan=1", {{"Origin", "http://evil.example"}}).status == 403);
    CHECK(s.call("POST", "/ptz/home?source=cam", {{"Sec-Fetch-Site", "cross-site"}}).status == 403);
    CHECK(s.call("POST", "/ptz/move?source=cam&pan=1", {{"Host", "evil.example"}}).status == 421);
    CHECK(s.camera.log_lines().size() == before);
    // The server's own page (same origin) does reach it.
    std::string origin = "http://127.0.0.1:" + std::to_string(s.serve.port());
    CHECK(s.call("POST", "/ptz/stop?source=cam", {{"Origin", origin}, {"Sec-Fetch-Site", "same-origin"}}).status == 200);
    CHECK(s.camera.log_lines().size() > before);
}

TEST_CASE("serve ptz: a move that has not ended within the settle timeout is 504 with the reason, not a frame") {
    Served s("always", {.speed = 0.01}, {"--ptz-settle-timeout", "1"});  // pan 0 -> 0.8 takes 80 s
    auto started = std::chrono::steady_clock::now();
    auto moving = s.call("POST", "/ptz/move?source=cam&mode=absolute&pan=0.8&then=snapshot");
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    REQUIRE_MESSAGE(moving.status == 504, moving.body);
    CHECK(moving.header("content-type").starts_with("application/json"));
    json::value answer = json::parse(moving.body);
    CHECK(answer.at("error") == "timeout");
    std::string reason(answer.at("reason").as_string());
    CHECK_MESSAGE(reason.find("did not settle within 1 s") != std::string::npos, reason);
    CHECK(s.call("POST", "/ptz/stop?source=cam").status == 200);  // the client was kept and still steers
}

TEST_CASE("serve ptz: a camera that went away is answered 502 or 504 as JSON, not a hang") {
    Served s("off");
    CHECK(s.call("GET", "/ptz/status?source=cam").status == 200);
    s.camera.stop();
    auto gone = s.call("GET", "/ptz/status?source=cam");
    CHECK((gone.status == 502 || gone.status == 504));
    CHECK(json::parse(gone.body).at("reason").as_string().size() > 0);
}

TEST_CASE("serve ptz: SIGTERM during a long move-then-snapshot ends the server at once, the request answered 503") {
    Served s("off", {.speed = 0.02});  // pan 0 -> 1 takes 50 s; the settle wait would last its whole 15 s
    HttpReply moving;
    std::thread request([&] {
        moving = http_call(s.serve.port(), "POST", "/ptz/move?source=cam&mode=absolute&pan=1&then=snapshot", {}, 30s);
    });
    std::this_thread::sleep_for(1500ms);
    auto asked = std::chrono::steady_clock::now();
    REQUIRE(s.serve.signal(SIGTERM));
    int code = s.serve.wait_exit(10s);
    auto took = std::chrono::steady_clock::now() - asked;
    request.join();
    CHECK(code == 0);
    CHECK(took < 4s);  // the exchange in flight (a loopback GetStatus) and one poll interval at most
    // Answered "stopping" within the shutdown grace; a dropped connection (status 0) is a failure.
    CHECK_MESSAGE(moving.status == 503, moving.status << " " << moving.body);
    if (moving.status == 503) CHECK(json::parse(moving.body).at("error") == "cancelled");
}
