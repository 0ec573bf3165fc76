// The ONVIF client over real HTTP against the loopback test camera: each quirk switch is handled, and
// moves are proven by where the camera's RTSP picture lies in its base image.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "ptz/ptz_client.hpp"
#include "support/fixtures.hpp"
#include "support/onvif_camera.hpp"
#include "support/picture_checks.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;
using namespace ptzgrab::testing;

namespace {

constexpr auto frame_in_flight = 400ms;  // the crop follows the position at 10 Hz; one more frame to encode
constexpr double picture_tolerance = 0.04;

OnvifSettings settings_for(const OnvifCamera& camera) {
    return OnvifSettings{camera.device_url(), camera.user(), camera.password(), ""};
}

ClientOptions quick_options() {
    ClientOptions options;
    options.call_timeout = std::chrono::milliseconds(5000);
    options.settle_poll = std::chrono::milliseconds(150);
    options.settle_time = std::chrono::milliseconds(1500);
    options.settle_timeout = std::chrono::milliseconds(15000);
    return options;
}

std::unique_ptr<PtzClient> connect_to(const OnvifCamera& camera, ClientOptions options = quick_options()) {
    auto client = PtzClient::connect(settings_for(camera), make_http_transport(), std::move(options));
    REQUIRE_MESSAGE(client, (client ? std::string() : client.error().message));
    return std::move(*client);
}

bool logged(const OnvifCamera& camera, const std::string& part) {
    auto lines = camera.log_lines();
    return std::ranges::any_of(lines, [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

// A keyframe from a fresh RTSP connection, opened after the move settled.
PictureLocation picture_position(const OnvifCamera& camera) {
    ScratchDir dir;
    std::this_thread::sleep_for(frame_in_flight);
    fs::path jpeg = dir / "grab.jpg";
    CommandResult r = run_command({"ffmpeg", "-v", "error", "-nostdin", "-y", "-rtsp_transport", "tcp", "-skip_frame",
                                   "nokey", "-i", camera.rtsp_url(), "-frames:v", "1", "-q:v", "2", jpeg.string()},
                                  {}, 20s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto where = locate_picture(jpeg, OnvifCamera::base_image());
    REQUIRE(where.has_value());
    return *where;
}

void check_picture_at(const OnvifCamera& camera, double pan, double tilt, double zoom) {
    check_picture_at(picture_position(camera), {pan, tilt, zoom}, picture_tolerance);
}

Settled settle(PtzClient& client) {
    auto settled = client.wait_until_settled();
    REQUIRE_MESSAGE(settled, (settled ? std::string() : settled.error().message));
    return *settled;
}

}  // namespace

TEST_CASE("camera client: an absolute move, a saved preset and home are proven by the picture") {
    OnvifCamera camera;
    auto client = connect_to(camera);
    const PtzInfo& info = client->info();
    CHECK(info.absolute);
    CHECK(info.continuous);
    CHECK(info.ptz_service_url == camera.ptz_url());

    REQUIRE(client->move(MoveCommand{MoveMode::absolute, Axes{0.6, -0.4, 0.37}, {}, {}}));
    Settled settled = settle(*client);
    CHECK(settled.settled);
    CHECK(settled.how == "idle");
    check_picture_at(camera, 0.6, -0.4, 0.37);

    auto token = client->set_preset("Gate");
    REQUIRE(token);
    REQUIRE(client->goto_home());
    CHECK(settle(*client).settled);
    check_picture_at(camera, 0, 0, 0);

    REQUIRE(client->goto_preset("Gate"));
    CHECK(settle(*client).settled);
    check_picture_at(camera, 0.6, -0.4, 0.37);
    REQUIRE(client->remove_preset(*token));
    auto gone = client->goto_preset(*token);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().kind == ErrorKind::not_found);
    CHECK(logged(camera, " ptz AbsoluteMove auth=wsse status=200"));

    auto uri = client->stream_uri();
    REQUIRE(uri);
    CHECK(uri->starts_with("rtsp://127.0.0.1:"));
}

TEST_CASE("camera client: click-to-center moves in the FOV space by the picture's own measure") {
    OnvifCamera camera;
    auto client = connect_to(camera);
    REQUIRE(client->info().relative_fov);
    REQUIRE(client->center_on(PictureOffset{0.5, -0.5}));  // right of centre, up in the picture
    CHECK(settle(*client).settled);
    // At zoom 0 the crop is half the base image: dpan = x * cw / (W - cw) = x, dtilt = -y * 1.
    check_picture_at(camera, 0.5, 0.5, 0);
}

TEST_CASE("camera client: a camera clock an hour ahead is signed for with its offset") {
    OnvifCamera camera(OnvifCameraOptions{.clock_offset_seconds = 3600});
    auto client = connect_to(camera);
    CHECK(std::abs(client->info().clock_offset.count() - 3600) <= 2);
    REQUIRE(client->status());
    CHECK(logged(camera, " ptz GetStatus auth=wsse status=200"));
}

TEST_CASE("camera client: a Digest-only camera is answered with HTTP Digest") {
    OnvifCamera camera(OnvifCameraOptions{.digest_only = true});
    auto client = connect_to(camera);
    REQUIRE(client->move(MoveCommand{MoveMode::absolute, Axes{-0.5, 0.25, {}}, {}, {}}));
    CHECK(settle(*client).settled);
    check_picture_at(camera, -0.5, 0.25, 0);
    CHECK(logged(camera, " ptz AbsoluteMove auth=digest status=200"));
}

TEST_CASE("camera client: without GetServices, the services come from GetCapabilities") {
    OnvifCamera camera(OnvifCameraOptions{.no_get_services = true});
    auto client = connect_to(camera);
    CHECK(client->info().ptz_service_url == camera.ptz_url());
    CHECK(logged(camera, " device GetCapabilities auth=wsse status=200"));
}

TEST_CASE("camera client: without a relative space, a relative move is a timed continuous move") {
    OnvifCamera camera(OnvifCameraOptions{.no_relative = true});
    auto client = connect_to(camera);
    CHECK_FALSE(client->info().relative);
    REQUIRE(client->move(MoveCommand{MoveMode::relative, Axes{0.4, -0.2, {}}, 0.5, {}}));
    CHECK(settle(*client).settled);
    check_picture_at(camera, 0.4, -0.2, 0);
    CHECK(logged(camera, " ptz ContinuousMove auth=wsse status=200"));
    CHECK(logged(camera, " ptz Stop auth=wsse status=200"));
    CHECK_FALSE(logged(camera, " ptz RelativeMove"));
}

TEST_CASE("camera client: unnamed presets are listed and reached by token") {
    OnvifCamera camera(OnvifCameraOptions{.unnamed_presets = 3});
    auto client = connect_to(camera);
    auto presets = client->presets();
    REQUIRE(presets);
    REQUIRE(presets->size() >= 3);
    std::vector<std::string> tokens;
    for (const auto& p : *presets) {
        CHECK(p.name.empty());
        CHECK(p.label() == "preset " + p.token);
        tokens.push_back(p.token);
    }
    std::ranges::sort(tokens);
    CHECK(std::ranges::adjacent_find(tokens) == tokens.end());  // none merged
    REQUIRE(client->goto_preset(presets->back().token));
    CHECK(settle(*client).settled);
}

TEST_CASE("camera client: a MoveStatus stuck at MOVING or absent still settles, by the position holding") {
    for (std::string mode : {"stuck", "absent"}) {
        CAPTURE(mode);
        OnvifCamera camera(OnvifCameraOptions{.move_status = mode});
        auto client = connect_to(camera);
        REQUIRE(client->move(MoveCommand{MoveMode::absolute, Axes{0.3, 0.3, 0.2}, {}, {}}));
        Settled settled = settle(*client);
        CHECK(settled.settled);
        CHECK(settled.how == (mode == "stuck" ? "position steady (MoveStatus stuck)" : "settle time (no MoveStatus)"));
        check_picture_at(camera, 0.3, 0.3, 0.2);
    }
}

TEST_CASE("camera client: faults sent with HTTP 400, 401 or 500 are classified the same") {
    for (int status : {400, 401, 500}) {
        CAPTURE(status);
        OnvifCamera camera(OnvifCameraOptions{.fault_status = status});
        auto client = connect_to(camera);
        auto unknown = client->remove_preset("no-such-preset");
        REQUIRE_FALSE(unknown);
        CHECK(unknown.error().kind == ErrorKind::not_found);

        OnvifSettings wrong = settings_for(camera);
        wrong.password = "not-the-password";
        auto refused = PtzClient::connect(wrong, make_http_transport(), quick_options());
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == ErrorKind::not_authorized);
        CHECK(refused.error().message.find("not-the-password") == std::string::npos);
        CHECK(refused.error().message.find('\n') == std::string::npos);
    }
}

TEST_CASE("camera client: a camera that is gone is source_unreachable, quickly") {
    int port = 0;
    {
        OnvifCamera camera;
        port = camera.port();
    }
    OnvifSettings gone{"http://127.0.0.1:" + std::to_string(port) + "/onvif/device_service", "admin", "x", ""};
    auto started = std::chrono::steady_clock::now();
    auto client = PtzClient::connect(gone, make_http_transport(), quick_options());
    REQUIRE_FALSE(client);
    CHECK(client.error().kind == ErrorKind::source_unreachable);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}
