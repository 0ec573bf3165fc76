#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <new>
#include <stdexcept>
#include <thread>

#include "core/ffmpeg_locator.hpp"
#include "core/frame_cache.hpp"
#include "core/grabber.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;

namespace {

// The real grabber (real ffmpeg) with a count of the grabs it was asked for.
struct CountingGrab {
    std::unique_ptr<ProcessRunner> runner = make_process_runner();
    Grabber grabber{*runner, locate_ffmpeg(*runner)};
    std::atomic<int> starts{0};
    FrameCache::GrabFunction function() {
        return [this](const GrabRequest& r, std::stop_token stop) {
            ++starts;
            return grabber.grab(r, stop);
        };
    }
};

SourceConfig source(const std::string& name, const std::string& url, std::chrono::milliseconds max_age) {
    SourceConfig s;
    s.name = name;
    s.grab.url = url;
    s.grab.timeout = 10s;
    s.max_age = max_age;
    return s;
}

const std::string lavfi = "lavfi:testsrc2=size=320x240:rate=25";

}  // namespace

TEST_CASE("frame cache: 50 concurrent cold requests share exactly one grab") {
    CountingGrab grab;
    FrameCache cache({source("cam", lavfi, 60s)}, grab.function());
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 50; ++i)
        clients.emplace_back([&] {
            if (cache.get_blocking("cam", false)) ++ok;
        });
    for (auto& t : clients) t.join();
    CHECK(ok == 50);
    CHECK(grab.starts == 1);
    auto stats = cache.stats();
    CHECK(stats[0].grabs == 1);
    CHECK(stats[0].hits + stats[0].misses == 50);
}

TEST_CASE("frame cache: inside max age from memory; past it the held frame at once and one refresh behind it; force_refresh always grabs") {
    CountingGrab grab;
    FrameCache cache({source("cam", lavfi, 700ms)}, grab.function());
    auto first = cache.get_blocking("cam", false);
    REQUIRE(first.has_value());
    CHECK_FALSE(first->from_cache);
    auto second = cache.get_blocking("cam", false);
    REQUIRE(second.has_value());
    CHECK(second->from_cache);
    CHECK_FALSE(second->refreshing);
    CHECK(second->jpeg == first->jpeg);  // the same prepared buffer, not a re-encode
    CHECK(grab.starts == 1);
    std::this_thread::sleep_for(800ms);
    auto third = cache.get_blocking("cam", false);
    REQUIRE(third.has_value());
    CHECK(third->from_cache);
    CHECK(third->refreshing);
    CHECK(third->jpeg == first->jpeg);
    REQUIRE(testing::eventually([&] { return !cache.stats()[0].grab_in_flight; }, 10s, 5ms));
    CHECK(grab.starts == 2);
    auto refreshed = cache.get_blocking("cam", false);
    REQUIRE(refreshed.has_value());
    CHECK(refreshed->from_cache);
    CHECK_FALSE(refreshed->refreshing);
    CHECK(refreshed->frame.grabbed_at > first->frame.grabbed_at);
    auto forced = cache.get_blocking("cam", true);
    REQUIRE(forced.has_value());
    CHECK_FALSE(forced->from_cache);
    CHECK(grab.starts == 3);
    CHECK(forced->frame.grabbed_at > refreshed->frame.grabbed_at);
}

TEST_CASE("frame cache: when the source dies the last good frame is served marked stale") {
    testing::ScratchDir dir;
    auto clip = testing::make_test_clip(dir.path(), "320x240", 1);
    CountingGrab grab;
    FrameCache cache({source("cam", clip.string(), 200ms)}, grab.function(), 60s);
    auto good = cache.get_blocking("cam", false);
    REQUIRE(good.has_value());
    std::filesystem::remove(clip);  // the camera goes away
    auto after = cache.get_blocking("cam", true);
    REQUIRE(after.has_value());
    CHECK(after->stale);
    REQUIRE(after->refresh_error.has_value());
    CHECK(after->frame.grabbed_at == good->frame.grabbed_at);
    auto stats = cache.stats();
    CHECK(stats[0].failures == 1);
    CHECK(stats[0].last_error.has_value());
    // Within max_age of the failure nobody starts another ffmpeg for it.
    int starts = grab.starts;
    CHECK(cache.get_blocking("cam", false)->stale);
    CHECK(grab.starts == starts);
}

TEST_CASE("frame cache: a good frame older than the stale limit no longer stands in") {
    testing::ScratchDir dir;
    auto clip = testing::make_test_clip(dir.path(), "320x240", 1);
    CountingGrab grab;
    // The cache's clock is the test's: a loaded machine's slow ffmpeg must not age the frame.
    std::atomic<int64_t> now_ms{0};
    auto clock = [&now_ms] { return FrameCache::Clock::time_point(std::chrono::milliseconds(now_ms.load())); };
    FrameCache cache({source("cam", clip.string(), 100ms)}, grab.function(), 300ms, clock);
    REQUIRE(cache.get_blocking("cam", false).has_value());
    std::filesystem::remove(clip);
    now_ms = 200;  // inside the stale limit
    auto young = cache.get_blocking("cam", true);
    REQUIRE(young.has_value());
    CHECK(young->stale);
    now_ms = 500;  // past it
    auto old = cache.get_blocking("cam", true);
    REQUIRE_FALSE(old.has_value());
    CHECK(old.error().kind == ErrorKind::source_unreachable);
}

TEST_CASE("frame cache: with no good frame, the error itself") {
    CountingGrab grab;
    FrameCache cache({source("cam", "/nonexistent/clip.mp4", 200ms)}, grab.function(), 0ms);
    auto r = cache.get_blocking("cam", false);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::source_unreachable);
}

TEST_CASE("frame cache: unknown sources, clear, and stats") {
    CountingGrab grab;
    FrameCache cache({source("a", lavfi, 60s), source("b", lavfi, 60s)}, grab.function());
    auto unknown = cache.get_blocking("zzz", false);
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().kind == ErrorKind::invalid_input);
    REQUIRE(cache.get_blocking("a", false).has_value());
    auto stats = cache.stats();
    CHECK(stats[0].has_frame);
    CHECK(stats[0].bytes_held > 320 * 240 * 3);
    CHECK_FALSE(stats[1].has_frame);
    CHECK(cache.clear() == std::vector<std::string>{"a"});
    CHECK_FALSE(cache.stats()[0].has_frame);
}

TEST_CASE("frame cache: the frame listener sees every good grab") {
    CountingGrab grab;
    FrameCache cache({source("cam", lavfi, 60s)}, grab.function());
    std::atomic<int> seen{0};
    cache.set_frame_listener([&](const SourceConfig& c, const Snapshot& s) {
        if (c.name == "cam" && s.jpeg && !s.jpeg->empty()) ++seen;
    });
    REQUIRE(cache.get_blocking("cam", true).has_value());
    REQUIRE(cache.get_blocking("cam", true).has_value());
    // The listener runs after the waiters are answered: give it a moment.
    for (int i = 0; i < 100 && seen < 2; ++i) std::this_thread::sleep_for(20ms);
    CHECK(seen == 2);
}

TEST_CASE("frame cache: shutdown cancels a grab in flight and kills its ffmpeg") {
    testing::SilentTcpServer silent;
    CountingGrab grab;
    std::string url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/never";
    FrameCache cache({source("cam", url, 1s)}, grab.function());
    std::atomic<bool> answered{false};
    ErrorKind kind = ErrorKind::no_frame;
    cache.get("cam", false, [&](Result<Snapshot> r) {
        if (!r) kind = r.error().kind;
        answered = true;
    });
    std::this_thread::sleep_for(300ms);
    cache.shutdown();
    for (int i = 0; i < 100 && !answered; ++i) std::this_thread::sleep_for(50ms);
    CHECK(answered);
    CHECK(kind == ErrorKind::cancelled);
    CHECK(testing::processes_with_arg(url).empty());
}

TEST_CASE("frame cache: held frames stay inside the memory budget, the least recently asked-for go first") {
    CountingGrab grab;
    FrameCache cache({source("a", lavfi, 60s), source("b", lavfi, 60s), source("c", lavfi, 60s)}, grab.function());
    REQUIRE(cache.get_blocking("a", false).has_value());
    size_t one_frame = cache.stats()[0].bytes_held;
    REQUIRE(one_frame > 0);
    cache.set_memory_budget(one_frame * 2 + one_frame / 2);  // room for two frames
    REQUIRE(cache.get_blocking("b", false).has_value());
    REQUIRE(cache.get_blocking("a", false).has_value());  // a hit: "a" is now asked for more recently than "b"
    REQUIRE(cache.get_blocking("c", false).has_value());
    auto stats = cache.stats();
    size_t total = 0;
    for (const CacheStats& s : stats) total += s.bytes_held;
    CHECK(total <= one_frame * 2 + one_frame / 2);
    CHECK(stats[0].has_frame);        // a
    CHECK_FALSE(stats[1].has_frame);  // b, the least recently asked for
    CHECK(stats[1].evictions == 1);
    CHECK(stats[2].has_frame);        // c, just grabbed
    int before = grab.starts;
    REQUIRE(cache.get_blocking("b", false).has_value());  // dropped, so grabbed anew
    CHECK(grab.starts == before + 1);
}

TEST_CASE("frame cache: a single frame larger than the whole budget is still served and held") {
    CountingGrab grab;
    FrameCache cache({source("a", lavfi, 60s)}, grab.function());
    cache.set_memory_budget(1000);
    REQUIRE(cache.get_blocking("a", false).has_value());
    CHECK(cache.stats()[0].has_frame);
    auto again = cache.get_blocking("a", false);
    REQUIRE(again.has_value());
    CHECK(again->from_cache);
}

TEST_CASE("frame cache: a waiter or listener that throws does not keep the others from their answer") {
    CountingGrab grab;
    std::promise<void> release;  // holds the grab until every waiter has joined it
    std::shared_future<void> gate = release.get_future().share();
    FrameCache cache({source("cam", lavfi, 60s)}, [&](const GrabRequest& r, std::stop_token stop) {
        gate.wait_for(20s);
        return grab.grabber.grab(r, stop);
    });
    std::atomic<int> listened{0};
    cache.set_frame_listener([&](const SourceConfig&, const Snapshot&) {
        ++listened;
        throw std::runtime_error("the disk writer failed");
    });
    std::atomic<int> thrown{0};
    cache.get("cam", false, [&](Result<Snapshot>) {
        ++thrown;
        throw std::runtime_error("a callback failed");
    });
    cache.get("cam", false, [&](Result<Snapshot>) {
        ++thrown;
        throw std::bad_alloc();
    });
    std::promise<Result<Snapshot>> last;
    cache.get("cam", false, [&](Result<Snapshot> r) { last.set_value(std::move(r)); });
    release.set_value();
    auto answer = last.get_future();
    REQUIRE(answer.wait_for(30s) == std::future_status::ready);
    CHECK(answer.get().has_value());
    CHECK(thrown == 2);
    // The grab thread lives on: a forced refresh grabs again, and the listener ran each time.
    auto again = cache.get_blocking("cam", true);
    REQUIRE(again.has_value());
    CHECK_FALSE(again->from_cache);
    for (int i = 0; i < 100 && listened < 2; ++i) std::this_thread::sleep_for(20ms);
    CHECK(listened == 2);
}
