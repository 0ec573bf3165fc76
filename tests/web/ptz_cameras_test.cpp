// PtzCameras::reconfigure against the loopback ONVIF test camera: a kept camera keeps its lane and
// its very client, a removed one's lane is joined before the reload goes on, an added one steers.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "support/onvif_camera.hpp"
#include "web/ptz_cameras.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;

namespace {

SourceConfig steerable(const std::string& name, const testing::OnvifCamera& camera) {
    SourceConfig source;
    source.name = name;
    source.grab.url = camera.rtsp_url();
    source.onvif = OnvifSettings{camera.device_url(), camera.user(), camera.password(), ""};
    return source;
}

SourceConfig plain(const std::string& name) {
    SourceConfig source;
    source.name = name;
    source.grab.url = "rtsp://127.0.0.1:9/plain";
    return source;
}

// Runs a task on `source`'s lane: the client it was given, or why none.
Result<ptz::PtzClient*> client_of(web::PtzCameras& cameras, const std::string& source) {
    auto got = std::make_shared<std::promise<Result<ptz::PtzClient*>>>();
    auto future = got->get_future();
    REQUIRE(cameras.run(source, [got](Result<ptz::PtzClient*> client) -> std::optional<Error> {
        got->set_value(client);
        return std::nullopt;
    }));
    REQUIRE(future.wait_for(30s) == std::future_status::ready);
    return future.get();
}

size_t connects(const testing::OnvifCamera& camera) {
    size_t n = 0;
    for (const auto& line : camera.log_lines()) n += line.find(" GetSystemDateAndTime ") != std::string::npos ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("ptz cameras: a reload that keeps a camera's onvif settings keeps its very client; changed ones connect "
          "afresh") {
    testing::OnvifCamera camera;
    web::PtzCameras cameras({steerable("cam", camera), plain("plain")});
    auto before = client_of(cameras, "cam");
    REQUIRE_MESSAGE(before.has_value(), before.error().message);
    REQUIRE(connects(camera) == 1);

    cameras.reconfigure({plain("other"), steerable("cam", camera)});
    auto after = client_of(cameras, "cam");
    REQUIRE(after.has_value());
    CHECK(*after == *before);
    CHECK(connects(camera) == 1);  // no second discovery: the same session goes on

    SourceConfig changed = steerable("cam", camera);
    changed.onvif->profile = "profile_1";
    cameras.reconfigure({changed});
    auto fresh = client_of(cameras, "cam");
    REQUIRE_MESSAGE(fresh.has_value(), fresh.error().message);
    CHECK(connects(camera) == 2);
}

TEST_CASE("ptz cameras: a reload that removes a camera joins its lane (the running exchange ends first) and refuses "
          "it from then on; an added camera steers") {
    testing::OnvifCamera camera;
    web::PtzCameras cameras({steerable("cam", camera)});
    std::promise<void> release;
    auto released = release.get_future().share();
    std::promise<void> entered;
    std::atomic<bool> task_ended{false};
    REQUIRE(cameras.run("cam", [&](Result<ptz::PtzClient*>) -> std::optional<Error> {
        entered.set_value();
        released.wait_for(20s);  // an exchange in progress
        task_ended = true;
        return std::nullopt;
    }));
    REQUIRE(entered.get_future().wait_for(30s) == std::future_status::ready);

    auto reload = std::async(std::launch::async, [&] {
        cameras.reconfigure({steerable("cam2", camera)});
        return task_ended.load();  // what the lane had done when the reload went on
    });
    // The new set is in force before the old lane is joined; the reload is held by the running exchange.
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!cameras.has("cam2") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    CHECK(cameras.has("cam2"));
    CHECK_FALSE(cameras.has("cam"));
    CHECK(reload.wait_for(200ms) == std::future_status::timeout);
    release.set_value();
    REQUIRE(reload.wait_for(20s) == std::future_status::ready);
    CHECK(reload.get());

    auto removed = client_of(cameras, "cam");
    REQUIRE_FALSE(removed.has_value());
    CHECK(removed.error().kind == ErrorKind::unsupported);
    auto added = client_of(cameras, "cam2");
    REQUIRE_MESSAGE(added.has_value(), added.error().message);
    auto status = (*added)->status();
    CHECK_MESSAGE(status.has_value(), status.error().message);
}
