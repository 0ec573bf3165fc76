// The frame cache over live streams, against a real RTSP server and real ffmpeg children.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include "core/ffmpeg_locator.hpp"
#include "core/frame_cache.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;
using testing::eventually;

namespace {

std::string ffmpeg_path() {
    auto runner = make_process_runner();
    return locate_ffmpeg(*runner).path;
}

// One-shot grabs are counted: a live source must never need one.
struct NoGrab {
    std::atomic<int> calls{0};
    FrameCache::GrabFunction function() {
        return [this](const GrabRequest&, std::stop_token) -> Result<Frame> {
            ++calls;
            return make_error(ErrorKind::io_error, "a live source asked for a one-shot grab");
        };
    }
};

SourceConfig live_source(const std::string& url, LiveMode mode = LiveMode::on_demand) {
    SourceConfig s;
    s.name = "cam";
    s.grab.url = url;
    s.grab.timeout = 15s;
    s.live.mode = mode;
    return s;
}

testing::RtspOptions quick_keyframes() {
    testing::RtspOptions o;
    o.width = 320;
    o.height = 180;
    o.gop_seconds = 0.3;  // a keyframe every 0.3 s: the tests see several frames quickly
    return o;
}

// The cache's answer to next(), waited for 20 s at most.
Result<Snapshot> next_blocking(FrameCache& cache, uint64_t after) {
    auto promise = std::make_shared<std::promise<Result<Snapshot>>>();
    auto future = promise->get_future();
    cache.next("cam", after, 15s, [promise](Result<Snapshot> r) { promise->set_value(std::move(r)); });
    REQUIRE(future.wait_for(20s) == std::future_status::ready);
    return future.get();
}

}  // namespace

TEST_CASE("frame cache live: warm snapshots come from one held ffmpeg, and frames advance") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    FrameCache cache({live_source(rtsp.url())}, grab.function());
    cache.enable_live(ffmpeg_path());
    auto first = cache.get_blocking("cam", false);  // on_demand: the first request starts the stream
    REQUIRE(first.has_value());
    CHECK(first->live);
    CHECK_FALSE(first->stale);
    CHECK(first->sequence >= 1);
    CHECK(first->frame.width == 320);
    CHECK(testing::processes_with_arg(rtsp.url()).size() == 1);

    std::optional<Snapshot> later;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!later && std::chrono::steady_clock::now() < deadline) {
        auto warm = cache.get_blocking("cam", false);
        REQUIRE(warm.has_value());
        CHECK(warm->live);
        if (warm->sequence > first->sequence) later = *warm;
        else std::this_thread::sleep_for(20ms);
    }
    REQUIRE(later.has_value());
    CHECK(later->from_cache);
    CHECK(later->frame.grabbed_at > first->frame.grabbed_at);
    CHECK(later->jpeg != first->jpeg);
    CHECK(testing::processes_with_arg(rtsp.url()).size() == 1);
    CHECK(grab.calls == 0);
    auto stats = cache.stats();
    REQUIRE(stats[0].live.has_value());
    CHECK(stats[0].live->state == LiveState::running);
    CHECK(stats[0].live->frames >= 2);
    CHECK(stats[0].has_frame);
}

TEST_CASE("frame cache live: many callers of one frame share its one render") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    FrameCache cache({live_source(rtsp.url(), LiveMode::always)}, grab.function());
    cache.enable_live(ffmpeg_path());
    REQUIRE(next_blocking(cache, 0).has_value());  // the stream runs
    std::mutex mutex;
    std::map<uint64_t, std::set<const std::vector<uint8_t>*>> buffers_per_frame;
    std::vector<std::thread> callers;
    for (int i = 0; i < 32; ++i)
        callers.emplace_back([&, i] {
            auto answer = i % 2 ? cache.get_blocking("cam", false) : next_blocking(cache, 0);
            if (!answer) return;
            std::lock_guard lock(mutex);
            buffers_per_frame[answer->sequence].insert(answer->jpeg.get());
        });
    for (auto& t : callers) t.join();
    size_t answers = 0;
    for (const auto& [sequence, buffers] : buffers_per_frame) {
        CAPTURE(sequence);
        CHECK(buffers.size() == 1);  // one render per frame, whoever asked and however
        answers += buffers.size();
    }
    CHECK(answers >= 1);
}

TEST_CASE("frame cache live: next() delivers increasing sequences, and a viewer is counted") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    SourceConfig off = live_source("lavfi:testsrc2", LiveMode::off);
    off.name = "oneshot";
    FrameCache cache({live_source(rtsp.url()), off}, grab.function());
    cache.enable_live(ffmpeg_path());
    CHECK(cache.watch("oneshot") == nullptr);
    auto lease = cache.watch("cam");
    REQUIRE(lease != nullptr);
    uint64_t after = 0;
    for (int i = 0; i < 3; ++i) {
        auto frame = next_blocking(cache, after);
        REQUIRE(frame.has_value());
        CHECK(frame->sequence > after);
        CHECK(frame->live);
        CHECK_FALSE(frame->jpeg->empty());
        after = frame->sequence;
    }
    CHECK(cache.stats()[0].live->viewers == 1);
    lease.reset();
    CHECK(cache.stats()[0].live->viewers == 0);
    std::promise<Result<Snapshot>> not_live;
    cache.next("oneshot", 0, 1s, [&](Result<Snapshot> r) { not_live.set_value(std::move(r)); });
    auto answer = not_live.get_future().get();
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("frame cache live: force_refresh and younger_than wait for a frame that arrives after the request") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    FrameCache cache({live_source(rtsp.url(), LiveMode::always)}, grab.function());
    cache.enable_live(ffmpeg_path());
    auto first = next_blocking(cache, 0);
    REQUIRE(first.has_value());
    auto held = cache.get_blocking("cam", false);
    REQUIRE(held.has_value());
    FrameWanted forced;
    forced.force_refresh = true;
    auto fresh = cache.get_blocking("cam", forced);
    REQUIRE(fresh.has_value());
    CHECK(fresh->sequence > held->sequence);
    CHECK_FALSE(fresh->from_cache);
    std::this_thread::sleep_for(5ms);  // the held frame ages past what is asked next
    FrameWanted young;
    young.younger_than = 2ms;  // no held frame is that young: the next one
    auto newer = cache.get_blocking("cam", young);
    REQUIRE(newer.has_value());
    CHECK(newer->sequence > fresh->sequence);
}

TEST_CASE("frame cache live: destroying the cache answers pending waits cancelled and leaves no ffmpeg") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    std::promise<Result<Snapshot>> pending;
    auto answer = pending.get_future();
    {
        FrameCache cache({live_source(rtsp.url())}, grab.function());
        cache.enable_live(ffmpeg_path());
        auto first = cache.get_blocking("cam", false);
        REQUIRE(first.has_value());
        REQUIRE(testing::processes_with_arg(rtsp.url()).size() == 1);
        // A frame a thousand ahead will not come before the cache goes.
        cache.next("cam", first->sequence + 1000, 60s, [&](Result<Snapshot> r) { pending.set_value(std::move(r)); });
    }
    CHECK(testing::processes_with_arg(rtsp.url()).empty());
    REQUIRE(answer.wait_for(0s) == std::future_status::ready);
    auto cancelled = answer.get();
    REQUIRE_FALSE(cancelled.has_value());
    CHECK(cancelled.error().kind == ErrorKind::cancelled);
}

TEST_CASE("frame cache live: shutdown answers a wait for the first live frame cancelled at once and stops the "
          "ffmpeg while the cache still exists") {
    testing::SilentTcpServer silent;  // accepts, never answers: the first frame never comes
    std::string url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/shutdown";
    NoGrab grab;
    SourceConfig source = live_source(url);
    source.grab.timeout = 60s;
    FrameCache cache({source}, grab.function());
    cache.enable_live(ffmpeg_path());
    auto promise = std::make_shared<std::promise<Result<Snapshot>>>();
    auto answer = promise->get_future();
    cache.get("cam", false, [promise](Result<Snapshot> r) { promise->set_value(std::move(r)); });
    eventually([&] { return !testing::processes_with_arg(url).empty(); }, 10s, 20ms);
    REQUIRE(testing::processes_with_arg(url).size() == 1);
    cache.shutdown();
    REQUIRE(answer.wait_for(5s) == std::future_status::ready);  // not after the 60 s timeout
    auto cancelled = answer.get();
    REQUIRE_FALSE(cancelled.has_value());
    CHECK(cancelled.error().kind == ErrorKind::cancelled);
    CHECK(eventually([&] { return testing::processes_with_arg(url).empty(); }, 5s, 20ms));
    CHECK(grab.calls == 0);
}

TEST_CASE("frame cache live: while the stream is down its last frame is served stale, then the error") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    FrameCache cache({live_source(rtsp.url(), LiveMode::always)}, grab.function(), 4s);  // the stale limit
    cache.enable_live(ffmpeg_path());
    auto good = next_blocking(cache, 0);
    REQUIRE(good.has_value());
    rtsp.stop();  // the camera goes away
    std::optional<Snapshot> stale;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!stale && std::chrono::steady_clock::now() < deadline) {
        auto answer = cache.get_blocking("cam", false);
        REQUIRE(answer.has_value());  // never an error while the last frame is inside the stale limit
        if (answer->stale) stale = *answer;
        else std::this_thread::sleep_for(50ms);
    }
    REQUIRE(stale.has_value());
    REQUIRE(stale->refresh_error.has_value());
    CHECK(stale->refresh_error->message.find("127.0.0.1") != std::string::npos);
    CHECK(stale->sequence >= good->sequence);
    CHECK(cache.stats()[0].live->state != LiveState::running);
    std::optional<Error> error;
    while (!error && std::chrono::steady_clock::now() < deadline) {
        auto answer = cache.get_blocking("cam", false);
        if (!answer) error = answer.error();
        else std::this_thread::sleep_for(100ms);
    }
    REQUIRE(error.has_value());  // past the stale limit
    CHECK(error->kind != ErrorKind::cancelled);
    FrameWanted latest;
    latest.never_wait = true;
    auto held = cache.get_blocking("cam", latest);  // /latest.jpg: any held frame, marked stale
    REQUIRE(held.has_value());
    CHECK(held->stale);
    CHECK(grab.calls == 0);
}

namespace {

// A hung camera for the length of a test: SIGSTOPped, continued however the test ends.
struct HungServer {
    pid_t pid;
    explicit HungServer(pid_t p) : pid(p) { ::kill(pid, SIGSTOP); }
    ~HungServer() { ::kill(pid, SIGCONT); }
};

// The cache's answer to get(), waited for 20 s at most; nullopt when it did not come (it waits).
std::optional<Result<Snapshot>> get_within_20s(FrameCache& cache, const FrameWanted& wanted) {
    auto promise = std::make_shared<std::promise<Result<Snapshot>>>();
    auto future = promise->get_future();
    cache.get("cam", wanted, [promise](Result<Snapshot> r) { promise->set_value(std::move(r)); });
    if (future.wait_for(20s) != std::future_status::ready) return std::nullopt;
    return future.get();
}

}  // namespace

TEST_CASE("frame cache live: /latest.jpg answers the held frame at once while an idle stream cold-starts, and "
          "starts it") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    SourceConfig source = live_source(rtsp.url());
    source.grab.timeout = 60s;  // a wait for the cold start would outlast the test's 20 s
    source.live.idle = 1s;
    FrameCache cache({source}, grab.function());
    cache.enable_live(ffmpeg_path());
    auto first = cache.get_blocking("cam", false);
    REQUIRE(first.has_value());
    REQUIRE(eventually([&] {
        return cache.stats()[0].live->state == LiveState::idle && testing::processes_with_arg(rtsp.url()).empty();
    }, 20s, 20ms));
    HungServer hung(rtsp.pid());  // the cold start cannot give a frame
    FrameWanted latest;
    latest.never_wait = true;
    auto held = get_within_20s(cache, latest);
    REQUIRE(held.has_value());  // answered before the cold start could end
    REQUIRE(held->has_value());
    CHECK((*held)->sequence >= first->sequence);
    CHECK((*held)->refreshing);
    CHECK_FALSE((*held)->stale);
    CHECK(eventually([&] { return cache.stats()[0].live->state != LiveState::idle; }, 10s, 20ms));  // touched: it starts
}

TEST_CASE("frame cache live: a snapshot during a planned restart (a viewer with another fps) is answered from the "
          "held frame") {
    testing::RtspSource rtsp(quick_keyframes());
    NoGrab grab;
    SourceConfig source = live_source(rtsp.url(), LiveMode::always);
    source.grab.timeout = 60s;  // a wait for the restarted child would outlast the test's 20 s
    source.max_age = 60s;
    FrameCache cache({source}, grab.function());
    cache.enable_live(ffmpeg_path());
    auto good = next_blocking(cache, 0);
    REQUIRE(good.has_value());
    HungServer hung(rtsp.pid());  // the restarted child cannot give a frame
    auto lease = cache.watch("cam", 5);  // all frames at 5 fps: the child is restarted
    REQUIRE(eventually([&] { return cache.stats()[0].live->state != LiveState::running; }, 20s, 20ms));
    auto answer = get_within_20s(cache, FrameWanted{});
    REQUIRE(answer.has_value());  // answered before the restarted child could give a frame
    REQUIRE(answer->has_value());
    CHECK((*answer)->sequence >= good->sequence);
    CHECK((*answer)->refreshing);
    CHECK_FALSE((*answer)->stale);
}
