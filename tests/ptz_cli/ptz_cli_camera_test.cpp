// `ptzgrab ptz` against the loopback ONVIF test camera: every move is proven by the picture a
// --snapshot wrote (located in the camera's base image), not by what the camera says.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <fstream>

#include "support/fixtures.hpp"
#include "support/onvif_camera.hpp"
#include "support/picture_checks.hpp"

using namespace ptzgrab::testing;
namespace json = boost::json;

namespace {

constexpr double position_tolerance = 0.05;  // generic units; the picture is 640x360 of a 1920x1080 image
constexpr auto command_timeout = 90s;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `ptzgrab ptz --onvif URL --user U ARGS...`, the password by environment (never in argv).
CommandResult ptz(const OnvifCamera& camera, std::vector<std::string> args, const std::string& password = "") {
    std::vector<std::string> argv = {"ptz", "--onvif", camera.device_url(), "--user", camera.user()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_ptzgrab(argv, {{"PTZGRAB_ONVIF_PASSWORD", password.empty() ? camera.password() : password}},
                         command_timeout);
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK_FALSE(contains(r.out + r.err, camera.password()));
    return r;
}

json::object json_of(const CommandResult& r) {
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out).as_object();
}

void check_picture_at(const fs::path& jpeg, PtzPosition expected) {
    auto where = locate_picture(jpeg, OnvifCamera::base_image());
    REQUIRE(where.has_value());
    check_picture_at(*where, expected, position_tolerance);
}

}  // namespace

TEST_CASE("ptz cli: status, presets and info, for people and as JSON, with no password in any of it") {
    OnvifCamera camera({.unnamed_presets = 2});
    auto status = ptz(camera, {"status"});
    CHECK(status.exit_code == 0);
    CHECK_MESSAGE(contains(status.out, "position  pan 0.000 tilt 0.000 zoom 0.000"), status.out);
    CHECK_MESSAGE(contains(status.out, "pan/tilt idle, zoom idle"), status.out);
    json::object s = json_of(ptz(camera, {"status", "--json"}));
    CHECK(s.at("pan_tilt").as_string() == "idle");
    CHECK(s.at("position").as_object().at("pan").to_number<double>() == doctest::Approx(0));

    auto presets = ptz(camera, {"presets"});
    CHECK(presets.exit_code == 0);
    json::array list = json::parse(ptz(camera, {"presets", "--json"}).out).as_array();
    REQUIRE(list.size() == 2);
    for (const json::value& p : list) {
        std::string token(p.at("token").as_string());
        CHECK(p.at("name").as_string().empty());
        CHECK(p.at("label").as_string() == "preset " + token);  // unnamed presets stay apart, shown by token
        CHECK_MESSAGE(contains(presets.out, "preset " + token), presets.out);
    }

    auto info = ptz(camera, {"info"});
    CHECK(info.exit_code == 0);
    CHECK_MESSAGE(contains(info.out, camera.device_url()), info.out);
    json::object i = json_of(ptz(camera, {"info", "--json"}));
    CHECK(i.at("capabilities").as_object().at("absolute").as_bool());
    CHECK_FALSE(i.at("profile").as_object().at("token").as_string().empty());
}

TEST_CASE("ptz cli: move --mode absolute --snapshot writes a frame that shows the new position") {
    OnvifCamera camera;
    ScratchDir dir;
    fs::path shot = dir / "after.jpg";
    auto r = ptz(camera, {"move", "--mode", "absolute", "--pan", "0.5", "--tilt", "-0.3", "--zoom", "0.4", "--snapshot",
                          shot.string(), "--json"});
    json::object out = json_of(r);
    CHECK(out.at("action").as_string() == "move");
    CHECK(out.at("settled").as_object().at("settled").as_bool());
    CHECK(out.at("snapshot").as_object().at("path").as_string() == shot.string());
    check_picture_at(shot, {0.5, -0.3, 0.4});
    auto status = json_of(ptz(camera, {"status", "--json"}));
    CHECK(status.at("position").as_object().at("pan").to_number<double>() == doctest::Approx(0.5).epsilon(0.02));
}

TEST_CASE("ptz cli: set-preset, then home, then goto the preset by name with --snapshot returns to it") {
    OnvifCamera camera;
    ScratchDir dir;
    REQUIRE(ptz(camera, {"move", "--mode", "absolute", "--pan", "-0.6", "--tilt", "0.4", "--zoom", "0.3", "--snapshot",
                         (dir / "there.jpg").string()})
                .exit_code == 0);
    json::object saved = json_of(ptz(camera, {"set-preset", "Driveway", "--json"}));
    std::string token(saved.at("token").as_string());
    CHECK_FALSE(token.empty());
    auto listed = ptz(camera, {"presets"});
    CHECK_MESSAGE(contains(listed.out, token + "  "), listed.out);
    CHECK_MESSAGE(contains(listed.out, "Driveway"), listed.out);

    fs::path home_shot = dir / "home-%H%M%S.jpg";
    auto home = ptz(camera, {"home", "--snapshot", home_shot.string()});
    CHECK(home.exit_code == 0);
    CHECK_MESSAGE(contains(home.out, "went home"), home.out);
    CHECK_MESSAGE(contains(home.out, "settled"), home.out);
    std::vector<fs::path> written;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        if (entry.path().filename().string().starts_with("home-")) written.push_back(entry.path());
    REQUIRE(written.size() == 1);  // the strftime pattern was expanded
    check_picture_at(written[0], {0, 0, 0});

    fs::path back = dir / "back.jpg";
    auto go = ptz(camera, {"goto", "Driveway", "--snapshot", back.string()});  // the camera's own RTSP stream
    CHECK(go.exit_code == 0);
    CHECK_MESSAGE(contains(go.out, "snapshot  " + back.string()), go.out);
    check_picture_at(back, {-0.6, 0.4, 0.3});

    CHECK(ptz(camera, {"remove-preset", token}).exit_code == 0);
    auto gone = ptz(camera, {"goto", "Driveway"});
    CHECK(gone.exit_code == 6);  // no such preset any more
}

TEST_CASE("ptz cli: a source in a config file is steered, its login taken from the stream URL") {
    OnvifCamera camera;
    ScratchDir dir;
    std::string stream = camera.rtsp_url();
    std::string with_login = "rtsp://" + camera.user() + ":" + camera.password() + "@" + stream.substr(7);
    std::ofstream(dir / "cams.json") << R"([{"name": "gate", "url": ")" << with_login << R"(",
        "onvif": {"url": ")" << camera.device_url() << R"("}}])";
    fs::path shot = dir / "gate.jpg";
    auto r = run_ptzgrab({"ptz", "--config", (dir / "cams.json").string(), "--source", "gate", "move", "--mode",
                          "absolute", "--pan", "0.3", "--snapshot", shot.string()},
                         {{"PTZGRAB_ONVIF_PASSWORD", ""}}, command_timeout);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(contains(r.out + r.err, camera.password()));
    check_picture_at(shot, {0.3, 0, 0});
}

TEST_CASE("ptz cli: a wrong password exits 7 and prints neither password") {
    OnvifCamera camera;
    auto r = ptz(camera, {"status"}, "wrong-secret-99");
    CHECK(r.exit_code == 7);
    CHECK_FALSE(contains(r.err, "wrong-secret-99"));
    CHECK(r.out.empty());
    CHECK(std::ranges::count(r.err, '\n') == 1);
}

TEST_CASE("ptz cli: an unknown preset exits 6 with the preset named") {
    OnvifCamera camera;
    auto r = ptz(camera, {"goto", "nowhere-preset"});
    CHECK(r.exit_code == 6);
    CHECK_MESSAGE(contains(r.err, "nowhere-preset"), r.err);
}

TEST_CASE("ptz cli: a camera that does not answer exits 4 naming it, within the timeout") {
    std::string url = "http://127.0.0.1:" + std::to_string(free_port()) + "/onvif/device_service";
    auto refused = run_ptzgrab({"ptz", "--onvif", url, "--user", "admin", "--password", "hunter22", "status"});
    CHECK(refused.exit_code == 4);
    CHECK_MESSAGE(contains(refused.err, url), refused.err);
    CHECK_FALSE(contains(refused.err, "hunter22"));
    SilentTcpServer silent;
    std::string hung = "http://127.0.0.1:" + std::to_string(silent.port()) + "/onvif/device_service";
    auto timed_out = run_ptzgrab({"ptz", "--onvif", hung, "--timeout", "1", "status"});
    CHECK(timed_out.exit_code == 4);
    CHECK(timed_out.elapsed < 10s);
    CHECK_MESSAGE(contains(timed_out.err, "timeout"), timed_out.err);
}

TEST_CASE("ptz cli: a camera whose clock is an hour off is still steered") {
    OnvifCamera camera({.clock_offset_seconds = 3600});
    auto r = ptz(camera, {"move", "--mode", "absolute", "--pan", "0.2"});
    CHECK(r.exit_code == 0);
    json::object info = json_of(ptz(camera, {"info", "--json"}));
    CHECK(std::abs(info.at("clock_offset_s").to_number<double>() - 3600) < 5);
}

TEST_CASE("ptz cli: a camera without MoveStatus is given a settle time before the snapshot, which shows the target") {
    OnvifCamera camera({.move_status = "absent"});
    ScratchDir dir;
    fs::path shot = dir / "after.jpg";
    json::object out = json_of(ptz(camera, {"move", "--mode", "absolute", "--pan", "-0.4", "--zoom", "0.5", "--snapshot",
                                            shot.string(), "--json"}));
    json::object settled = out.at("settled").as_object();
    CHECK(settled.at("settled").as_bool());
    CHECK_MESSAGE(contains(std::string(settled.at("how").as_string()), "settle time"), settled);
    check_picture_at(shot, {-0.4, 0, 0.5});
}

TEST_CASE("ptz cli: a camera still moving at --settle-timeout exits 4 with the reason and writes no file") {
    OnvifCamera camera({.speed = 0.01});  // pan 0 -> 0.8 takes 80 s
    ScratchDir dir;
    fs::path shot = dir / "blurred.jpg";
    auto r = ptz(camera, {"move", "--mode", "absolute", "--pan", "0.8", "--settle-timeout", "1", "--snapshot",
                          shot.string()});
    CHECK(r.exit_code == 4);
    CHECK_MESSAGE(contains(r.err, "timeout: the camera did not settle within 1 s"), r.err);
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(shot));
    CHECK(ptz(camera, {"stop"}).exit_code == 0);
}

TEST_CASE("ptz cli: a camera that takes HTTP Digest only is steered") {
    OnvifCamera camera({.digest_only = true});
    ScratchDir dir;
    auto r = ptz(camera, {"move", "--mode", "absolute", "--tilt", "0.5", "--snapshot", (dir / "up.jpg").string()});
    CHECK(r.exit_code == 0);
    check_picture_at(dir / "up.jpg", {0, 0.5, 0});  // the camera's own stream, with the ONVIF login
    json::object status = json_of(ptz(camera, {"status", "--json"}));
    CHECK(status.at("position").as_object().at("tilt").to_number<double>() == doctest::Approx(0.5).epsilon(0.02));
}
