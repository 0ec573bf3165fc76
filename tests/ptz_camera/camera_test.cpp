// The loopback ONVIF test camera proves itself before any client relies on it: a signed AbsoluteMove
// moves the RTSP picture to where the geometry says (found by template matching in the base image),
// GetStatus reports MOVING and then IDLE, and the WS-Security rules and quirk switches hold.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include "support/fixtures.hpp"
#include "support/onvif_camera.hpp"
#include "support/picture_checks.hpp"

using namespace ptzgrab::testing;

namespace {

constexpr auto settle_timeout = 15s;     // the longest move at the default speed takes ~2 s
constexpr double position_tolerance = 0.03;

const std::string ptz_ns = "http://www.onvif.org/ver20/ptz/wsdl";
const std::string tt_ns = "http://www.onvif.org/ver10/schema";

struct SoapReply {
    int status = 0;
    std::string body;
};

// One SOAP call through tests/ptz_camera/soap_call.py; the password goes by environment, never argv.
SoapReply soap(const OnvifCamera& camera, const std::string& url, const std::string& body,
               const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv = {"/usr/bin/python3", (source_dir() / "tests/ptz_camera/soap_call.py").string(),
                                     url, body};
    argv.insert(argv.end(), flags.begin(), flags.end());
    CommandResult r = run_command(argv, {{"ONVIF_USER", camera.user()}, {"ONVIF_PASSWORD", camera.password()}}, 20s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto newline = r.out.find('\n');
    return {std::stoi(r.out.substr(0, newline)), r.out.substr(newline + 1)};
}

std::string absolute_move(double pan, double tilt, double zoom) {
    return "<AbsoluteMove xmlns=\"" + ptz_ns + "\"><ProfileToken>profile_1</ProfileToken><Position><PanTilt xmlns=\"" +
           tt_ns + "\" x=\"" + std::to_string(pan) + "\" y=\"" + std::to_string(tilt) + "\"/><Zoom xmlns=\"" + tt_ns +
           "\" x=\"" + std::to_string(zoom) + "\"/></Position></AbsoluteMove>";
}

const std::string get_status =
    "<GetStatus xmlns=\"" + ptz_ns + "\"><ProfileToken>profile_1</ProfileToken></GetStatus>";

bool idle(const std::string& status_body) {
    return status_body.find("<tt:PanTilt>IDLE</tt:PanTilt>") != std::string::npos &&
           status_body.find("<tt:Zoom>IDLE</tt:Zoom>") != std::string::npos;
}

void wait_idle(const OnvifCamera& camera) {
    auto deadline = std::chrono::steady_clock::now() + settle_timeout;
    for (;;) {
        SoapReply r = soap(camera, camera.ptz_url(), get_status);
        REQUIRE(r.status == 200);
        if (idle(r.body)) return;
        REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "still moving: " << r.body);
        std::this_thread::sleep_for(200ms);
    }
}

// A keyframe decoded from a fresh RTSP connection, with no wait: the camera reports IDLE only once every
// frame it sends shows the final position.
PictureLocation grab_and_locate(const OnvifCamera& camera, const ScratchDir& dir) {
    fs::path jpeg = dir / "grab.jpg";
    // A short probe (as ptzgrab's own grab does): the default one waits seconds for a still picture's tiny P-frames.
    CommandResult r = run_command({"ffmpeg", "-v", "error", "-nostdin", "-y", "-rtsp_transport", "tcp", "-analyzeduration",
                                   "100000", "-probesize", "32768", "-fpsprobesize", "0", "-skip_frame", "nokey", "-i",
                                   camera.rtsp_url(), "-frames:v", "1", "-q:v", "2", jpeg.string()},
                                  {}, 20s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto where = locate_picture(jpeg, OnvifCamera::base_image());
    REQUIRE(where.has_value());
    return *where;
}

void check_at(const PictureLocation& where, double pan, double tilt, double zoom) {
    MESSAGE("expected pan " << pan << " tilt " << tilt << " zoom " << zoom << "; found pan " << where.position.pan
                            << " tilt " << where.position.tilt << " zoom " << where.position.zoom << " score "
                            << where.score);
    check_picture_at(where, {pan, tilt, zoom}, position_tolerance);
}

bool logged(const OnvifCamera& camera, const std::string& tail) {
    for (const auto& line : camera.log_lines())
        if (line.ends_with(tail)) return true;
    return false;
}

}  // namespace

TEST_CASE("test camera: a signed AbsoluteMove moves the RTSP picture to the commanded pan, tilt and zoom") {
    std::string log_name;  // the camera's own arguments, to find it after it is gone
    {
        OnvifCamera camera;
        ScratchDir dir;
        check_at(grab_and_locate(camera, dir), 0, 0, 0);

        // Off the locator's zoom grid, then the corners of the range (the crop at the base image's edges).
        for (PtzPosition to : {PtzPosition{0.6, -0.4, 0.37}, PtzPosition{-1, 1, 0}, PtzPosition{1, -1, 1}}) {
            REQUIRE(soap(camera, camera.ptz_url(), absolute_move(to.pan, to.tilt, to.zoom)).status == 200);
            SoapReply moving = soap(camera, camera.ptz_url(), get_status);
            CHECK(moving.body.find("MOVING") != std::string::npos);
            wait_idle(camera);
            check_at(grab_and_locate(camera, dir), to.pan, to.tilt, to.zoom);
        }

        CHECK(logged(camera, " ptz AbsoluteMove auth=wsse status=200"));
        CHECK(logged(camera, " ptz GetStatus auth=wsse status=200"));
        log_name = "--port " + std::to_string(camera.port()) + " ";
    }
    CHECK(processes_with_arg("onvif_camera.py " + log_name).empty());  // the destructor left no camera running
}

TEST_CASE("test camera: GetSystemDateAndTime is open; unsigned, replayed and out-of-window calls are NotAuthorized") {
    OnvifCamera camera;
    const std::string date = "<GetSystemDateAndTime xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/>";
    SoapReply open = soap(camera, camera.device_url(), date, {"--unsigned"});
    CHECK(open.status == 200);
    CHECK(open.body.find("UTCDateTime") != std::string::npos);

    SoapReply unsigned_call = soap(camera, camera.ptz_url(), get_status, {"--unsigned"});
    CHECK(unsigned_call.status == 400);
    CHECK(unsigned_call.body.find("ter:NotAuthorized") != std::string::npos);
    SoapReply replayed = soap(camera, camera.ptz_url(), get_status, {"--replay"});
    CHECK(replayed.status == 400);
    CHECK(replayed.body.find("replayed nonce") != std::string::npos);
    SoapReply stale = soap(camera, camera.ptz_url(), get_status, {"--created-offset", "-400"});
    CHECK(stale.status == 400);
    CHECK(stale.body.find("ter:NotAuthorized") != std::string::npos);

    CHECK(logged(camera, " device GetSystemDateAndTime auth=none status=200"));
    CHECK(logged(camera, " ptz GetStatus auth=none status=400"));
    CHECK(logged(camera, " ptz GetStatus auth=bad status=400"));
}

TEST_CASE("test camera: quirks: a skewed clock, faults with HTTP 500, no RelativeMove, an unknown preset") {
    OnvifCamera camera(OnvifCameraOptions{.clock_offset_seconds = 3600, .no_relative = true, .fault_status = 500});
    SoapReply real_time = soap(camera, camera.ptz_url(), get_status);
    CHECK(real_time.status == 500);
    CHECK(real_time.body.find("ter:NotAuthorized") != std::string::npos);
    SoapReply camera_time = soap(camera, camera.ptz_url(), get_status, {"--created-offset", "3600"});
    CHECK(camera_time.status == 200);

    const std::string relative = "<RelativeMove xmlns=\"" + ptz_ns +
                                 "\"><ProfileToken>profile_1</ProfileToken><Translation><PanTilt xmlns=\"" + tt_ns +
                                 "\" x=\"0.1\" y=\"0\"/></Translation></RelativeMove>";
    SoapReply no_relative = soap(camera, camera.ptz_url(), relative, {"--created-offset", "3600"});
    CHECK(no_relative.status == 500);
    CHECK(no_relative.body.find("ter:ActionNotSupported") != std::string::npos);

    const std::string goto_unknown = "<GotoPreset xmlns=\"" + ptz_ns +
                                     "\"><ProfileToken>profile_1</ProfileToken><PresetToken>nope</PresetToken></GotoPreset>";
    SoapReply unknown = soap(camera, camera.ptz_url(), goto_unknown, {"--created-offset", "3600"});
    CHECK(unknown.status == 500);
    CHECK(unknown.body.find("ter:NoEntity") != std::string::npos);
}

TEST_CASE("test camera: quirks: HTTP Digest only, no MoveStatus, unnamed presets") {
    OnvifCamera camera(OnvifCameraOptions{.digest_only = true, .unnamed_presets = 3, .move_status = "absent"});
    SoapReply wsse = soap(camera, camera.ptz_url(), get_status);
    CHECK(wsse.status == 401);
    SoapReply digest = soap(camera, camera.ptz_url(), get_status, {"--digest"});
    CHECK(digest.status == 200);
    CHECK(digest.body.find("<tt:Position>") != std::string::npos);
    CHECK(digest.body.find("MoveStatus") == std::string::npos);
    const std::string get_presets =
        "<GetPresets xmlns=\"" + ptz_ns + "\"><ProfileToken>profile_1</ProfileToken></GetPresets>";
    SoapReply presets = soap(camera, camera.ptz_url(), get_presets, {"--digest"});
    CHECK(presets.status == 200);
    for (const char* token : {"1", "2", "3"})
        CHECK(presets.body.find("<tptz:Preset token=\"" + std::string(token) + "\"><tt:Name></tt:Name>") !=
              std::string::npos);
    CHECK(logged(camera, " ptz GetStatus auth=none status=401"));
    CHECK(logged(camera, " ptz GetPresets auth=digest status=200"));
}

std::string continuous_move(const std::string& velocity) {
    return "<ContinuousMove xmlns=\"" + ptz_ns + "\"><ProfileToken>profile_1</ProfileToken><Velocity>" + velocity +
           "</Velocity><Timeout>PT0.5S</Timeout></ContinuousMove>";
}

TEST_CASE("test camera: quirks: a MoveStatus stuck at MOVING; no pan/tilt with zoom in one ContinuousMove") {
    OnvifCamera camera(OnvifCameraOptions{.move_status = "stuck", .no_combined_continuous = true});
    SoapReply status = soap(camera, camera.ptz_url(), get_status);
    CHECK(status.status == 200);
    CHECK(status.body.find("<tt:PanTilt>MOVING</tt:PanTilt>") != std::string::npos);
    CHECK(status.body.find("<tt:Zoom>MOVING</tt:Zoom>") != std::string::npos);

    const std::string pan = "<PanTilt xmlns=\"" + tt_ns + "\" x=\"0.5\" y=\"0\"/>";
    const std::string zoom = "<Zoom xmlns=\"" + tt_ns + "\" x=\"0.5\"/>";
    SoapReply both = soap(camera, camera.ptz_url(), continuous_move(pan + zoom));
    CHECK(both.status == 400);
    CHECK(both.body.find("ter:InvalidArgVal") != std::string::npos);
    CHECK(soap(camera, camera.ptz_url(), continuous_move(pan)).status == 200);
    CHECK(soap(camera, camera.ptz_url(), continuous_move(zoom)).status == 200);
}
