// `ptzgrab ptz` refuses what it cannot do before it speaks to any camera: exit 2 and one clear line.
#include <doctest/doctest.h>

#include <fstream>

#include "support/fixtures.hpp"

using namespace ptzgrab::testing;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A camera nobody answers for: a refused port on loopback.
std::string nowhere() { return "http://127.0.0.1:" + std::to_string(free_port()) + "/onvif/device_service"; }

fs::path write_config(const ScratchDir& dir, const std::string& json) {
    fs::path file = dir / "cams.json";
    std::ofstream(file) << json;
    return file;
}

}  // namespace

TEST_CASE("ptz cli: without a camera it says how to name one and exits 2") {
    auto r = run_ptzgrab({"ptz", "status"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "--onvif"), r.err);
    CHECK_MESSAGE(contains(r.err, "--config FILE --source NAME"), r.err);
    CHECK(r.out.empty());
}

TEST_CASE("ptz cli: --onvif and --config together are refused") {
    ScratchDir dir;
    fs::path config = write_config(dir, R"([{"name": "gate", "url": "rtsp://127.0.0.1:1/s",
        "onvif": {"url": "http://127.0.0.1:1/onvif/device_service"}}])");
    auto r = run_ptzgrab({"ptz", "--onvif", nowhere(), "--config", config.string(), "--source", "gate", "status"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "not both"), r.err);
}

TEST_CASE("ptz cli: a source without onvif settings, or no such source, is a usage error naming the steerable ones") {
    ScratchDir dir;
    fs::path config = write_config(dir, R"([{"name": "yard", "url": "rtsp://127.0.0.1:1/s"},
        {"name": "gate", "url": "rtsp://127.0.0.1:1/s", "onvif": {"url": "http://127.0.0.1:1/onvif/device_service"}}])");
    auto plain = run_ptzgrab({"ptz", "--config", config.string(), "--source", "yard", "status"});
    CHECK(plain.exit_code == 2);
    CHECK_MESSAGE(contains(plain.err, "\"yard\""), plain.err);
    CHECK_MESSAGE(contains(plain.err, "no \"onvif\" settings"), plain.err);
    CHECK_MESSAGE(contains(plain.err, "sources with onvif settings: gate"), plain.err);
    auto missing = run_ptzgrab({"ptz", "--config", config.string(), "--source", "hall", "status"});
    CHECK(missing.exit_code == 2);
    CHECK_MESSAGE(contains(missing.err, "no source named \"hall\""), missing.err);
    auto no_source = run_ptzgrab({"ptz", "--config", config.string(), "status"});
    CHECK(no_source.exit_code == 2);
    CHECK_MESSAGE(contains(no_source.err, "--source NAME"), no_source.err);
}

TEST_CASE("ptz cli: a bad config file is a usage error that names its field, without the password") {
    ScratchDir dir;
    fs::path config = write_config(dir, R"([{"name": "gate", "url": "rtsp://x/s",
        "onvif": {"url": "https://admin:hunter22@10.0.0.2/onvif/device_service"}}])");
    auto r = run_ptzgrab({"ptz", "--config", config.string(), "--source", "gate", "status"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "sources[0].onvif.url"), r.err);
    CHECK_FALSE(contains(r.err, "hunter22"));
}

TEST_CASE("ptz cli: an https or non-http --onvif URL is refused, its password masked") {
    auto r = run_ptzgrab({"ptz", "--onvif", "https://admin:hunter22@10.0.0.2/onvif/device_service", "info"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "http://"), r.err);
    CHECK_FALSE(contains(r.err, "hunter22"));
    CHECK(run_ptzgrab({"ptz", "--onvif", "rtsp://10.0.0.2/stream", "info"}).exit_code == 2);
}

TEST_CASE("ptz cli: bad move arguments are refused before any call") {
    std::string camera = nowhere();  // nothing listens: an attempt to connect would exit 4, not 2
    auto bad_mode = run_ptzgrab({"ptz", "--onvif", camera, "move", "--pan", "0.5", "--mode", "sideways"});
    CHECK(bad_mode.exit_code == 2);
    CHECK_MESSAGE(contains(bad_mode.err, "--mode"), bad_mode.err);
    auto too_far = run_ptzgrab({"ptz", "--onvif", camera, "move", "--pan", "1.5"});
    CHECK(too_far.exit_code == 2);
    CHECK_MESSAGE(contains(too_far.err, "--pan"), too_far.err);
    auto nothing = run_ptzgrab({"ptz", "--onvif", camera, "move", "--mode", "absolute"});
    CHECK(nothing.exit_code == 2);
    CHECK_MESSAGE(contains(nothing.err, "--pan, --tilt or --zoom"), nothing.err);
    auto no_preset = run_ptzgrab({"ptz", "--onvif", camera, "goto"});
    CHECK(no_preset.exit_code == 2);
    auto two_actions = run_ptzgrab({"ptz", "--onvif", camera, "status", "presets"});
    CHECK(two_actions.exit_code == 2);
}

TEST_CASE("ptz cli: --snapshot goes only with moves, into a file, in a folder that takes it") {
    std::string camera = nowhere();
    auto on_status = run_ptzgrab({"ptz", "--onvif", camera, "status", "--snapshot", "x.jpg"});
    CHECK(on_status.exit_code == 2);  // CLI11: status has no --snapshot
    auto to_stdout = run_ptzgrab({"ptz", "--onvif", camera, "home", "--snapshot", "-"});
    CHECK(to_stdout.exit_code == 2);
    CHECK_MESSAGE(contains(to_stdout.err, "file"), to_stdout.err);
    auto unwritable = run_ptzgrab({"ptz", "--onvif", camera, "home", "--snapshot", "/proc/nope/x.jpg"});
    CHECK(unwritable.exit_code == 5);
}

TEST_CASE("ptz cli: options of ptz may follow the action, and --help shows the actions with examples") {
    auto after = run_ptzgrab({"ptz", "status", "--onvif", "ftp://x/"});
    CHECK(after.exit_code == 2);
    CHECK_MESSAGE(contains(after.err, "--onvif: ftp://x/ is not an http:// URL"), after.err);
    auto help = run_ptzgrab({"ptz", "--help"});
    CHECK(help.exit_code == 0);
    for (const char* part : {"info", "status", "presets", "move", "stop", "goto", "set-preset", "remove-preset",
                             "home", "set-home", "center", "Examples:", "Exit codes:", "7 camera authentication"})
        CHECK_MESSAGE(contains(help.out, part), part);
    auto top = run_ptzgrab({"--help"});
    CHECK(contains(top.out, "ptzgrab ptz --config cameras.json --source gate goto Driveway --snapshot drive.jpg"));
}
