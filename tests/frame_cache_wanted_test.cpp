// The frame cache's promises to readers, shown by ordering, not timing: the grab function blocks
// until the test lets it go, and the answers that must not wait arrive while it is blocked.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "core/fallback.hpp"
#include "core/frame_cache.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;
using std::chrono::system_clock;

namespace {

// A grab held until the test releases it (one release lets one call go). Its frame
// carries the moment the call began as its grab time. The cache's shutdown cancels a held call.
class HeldGrab {
public:
    FrameCache::GrabFunction function() {
        return [this](const GrabRequest& request, std::stop_token stop) { return grab(request, stop); };
    }
    // Waits (10 s at most) until `count` calls have begun.
    bool wait_begun(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return begun_ >= count; });
    }
    int begun() {
        std::lock_guard lock(mutex_);
        return begun_;
    }
    void release_one() {
        std::lock_guard lock(mutex_);
        ++released_;
        changed_.notify_all();
    }
    void fail_from_now(bool fail) {
        std::lock_guard lock(mutex_);
        fail_ = fail;
    }

private:
    Result<Frame> grab(const GrabRequest& request, std::stop_token stop) {
        system_clock::time_point began = system_clock::now();
        std::unique_lock lock(mutex_);
        ++begun_;
        changed_.notify_all();
        bool hangs = request.url.starts_with("hang");
        if (!changed_.wait(lock, stop, [&] { return !hangs && released_ > taken_; }))
            return make_error(ErrorKind::cancelled, "cancelled");
        ++taken_;
        if (fail_) return make_error(ErrorKind::timeout, "the camera did not answer");
        return decode_frame(picture_, began);
    }

    std::mutex mutex_;
    std::condition_variable_any changed_;
    // mutex_ protects the following state.
    int begun_ = 0;
    int released_ = 0;  // releases given, each taken by one held call that does not hang
    int taken_ = 0;
    bool fail_ = false;
    const std::vector<uint8_t> picture_ =
        diagnostic_card("test", Error{ErrorKind::no_frame, "test picture", {}}, system_clock::now(), CardSize{160, 90});
};

// The cache's steady clock, moved by the test.
struct TestClock {
    std::atomic<int64_t> now_ms{1000000};
    std::function<FrameCache::Clock::time_point()> function() {
        return [this] { return FrameCache::Clock::time_point(std::chrono::milliseconds(now_ms.load())); };
    }
    void advance(std::chrono::milliseconds by) { now_ms += by.count(); }
};

SourceConfig source(const std::string& name, std::chrono::milliseconds max_age = 1s) {
    SourceConfig s;
    s.name = name;
    s.grab.url = "cam://" + name;
    s.max_age = max_age;
    return s;
}

// An answer to collect later: get() with this as the callback.
struct Pending {
    std::shared_ptr<std::promise<Result<Snapshot>>> promise = std::make_shared<std::promise<Result<Snapshot>>>();
    std::shared_future<Result<Snapshot>> future = promise->get_future().share();
    FrameCache::Callback callback() {
        return [p = promise](Result<Snapshot> r) { p->set_value(std::move(r)); };
    }
    bool answered() const { return future.wait_for(0s) == std::future_status::ready; }
    // The answer, waited for 10 s at most.
    Result<Snapshot> get() const {
        REQUIRE(future.wait_for(10s) == std::future_status::ready);
        return future.get();
    }
};

FrameWanted wanted_younger_than(std::chrono::milliseconds age) {
    FrameWanted w;
    w.younger_than = age;
    return w;
}

FrameWanted wanted_never_wait() {
    FrameWanted w;
    w.never_wait = true;
    return w;
}

FrameWanted wanted_forced() {
    FrameWanted w;
    w.force_refresh = true;
    return w;
}

// Polls until the source's grab in flight has ended (10 s at most).
bool wait_until_refreshed(const FrameCache& cache, size_t index = 0) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (cache.stats()[index].grab_in_flight) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// A first frame for `name`, grabbed through the held grab as its `count`-th call.
Snapshot first_frame(FrameCache& cache, HeldGrab& grab, const std::string& name, int count = 1) {
    Pending first;
    cache.get(name, false, first.callback());
    REQUIRE(grab.wait_begun(count));
    grab.release_one();
    auto frame = first.get();
    REQUIRE(frame.has_value());
    return *frame;
}

}  // namespace

TEST_CASE("frame cache: a source past max age is answered from memory while its refresh is held, then the refresh lands") {
    HeldGrab grab;
    TestClock clock;
    FrameCache cache({source("cam")}, grab.function(), 5min, clock.function());
    Snapshot first = first_frame(cache, grab, "cam");
    clock.advance(1500ms);  // past max age, inside the stale limit

    Pending during;
    cache.get("cam", false, during.callback());
    REQUIRE(during.answered());  // at once, on this thread
    auto answer = during.get();
    REQUIRE(answer.has_value());
    CHECK(answer->from_cache);
    CHECK(answer->refreshing);
    CHECK_FALSE(answer->stale);
    CHECK(answer->jpeg == first.jpeg);
    CHECK(answer->age == 1500ms);
    REQUIRE(grab.wait_begun(2));  // the refresh runs, and is held

    Pending latest, again;
    cache.get("cam", wanted_never_wait(), latest.callback());
    cache.get("cam", false, again.callback());
    CHECK(latest.answered());
    CHECK(again.answered());
    CHECK(latest.get()->refreshing);
    CHECK(again.get()->jpeg == first.jpeg);
    CHECK(cache.stats()[0].grabs == 2);  // one refresh for all of them

    grab.release_one();
    REQUIRE(wait_until_refreshed(cache));
    auto after = cache.get_blocking("cam", false);
    REQUIRE(after.has_value());
    CHECK(after->from_cache);
    CHECK_FALSE(after->refreshing);
    CHECK(after->age == 0ms);
    CHECK(after->jpeg != first.jpeg);
    CHECK(grab.begun() == 2);
}

TEST_CASE("frame cache: five hanging cameras do not delay a sixth, healthy source") {
    HeldGrab grab;
    std::vector<SourceConfig> sources;
    for (int i = 0; i < 5; ++i) {
        sources.push_back(source("hanging" + std::to_string(i)));
        sources.back().grab.url = "hang://" + std::to_string(i);  // never released: only shutdown ends it
    }
    sources.push_back(source("healthy"));
    std::vector<Pending> hanging(5);
    {
        FrameCache cache(sources, grab.function());
        for (int i = 0; i < 5; ++i) cache.get("hanging" + std::to_string(i), false, hanging[i].callback());
        REQUIRE(grab.wait_begun(5));  // all five hold a grab at once: none queues behind another
        Pending healthy;
        cache.get("healthy", false, healthy.callback());
        REQUIRE(grab.wait_begun(6));
        grab.release_one();  // only the healthy grab can take it: the hanging ones wait for shutdown
        auto answer = healthy.get();
        REQUIRE(answer.has_value());
        CHECK_FALSE(answer->from_cache);
        for (const Pending& p : hanging) CHECK_FALSE(p.answered());
    }
    // Destroying the cache cancels the hanging grabs and answers their callers.
    for (const Pending& p : hanging) {
        auto answer = p.get();
        REQUIRE_FALSE(answer.has_value());
        CHECK(answer.error().kind == ErrorKind::cancelled);
    }
}

TEST_CASE("frame cache: force_refresh does not join a grab that began before it, and only it waits") {
    HeldGrab grab;
    TestClock clock;
    FrameCache cache({source("cam", 60s)}, grab.function(), 5min, clock.function());
    Snapshot first = first_frame(cache, grab, "cam");

    Pending forced_earlier;
    cache.get("cam", wanted_forced(), forced_earlier.callback());
    REQUIRE(grab.wait_begun(2));  // grab 2 has begun
    system_clock::time_point asked_at = system_clock::now();
    Pending forced_later, plain;
    cache.get("cam", wanted_forced(), forced_later.callback());
    cache.get("cam", false, plain.callback());
    REQUIRE(plain.answered());  // from memory, while both forced requests wait
    CHECK(plain.get()->jpeg == first.jpeg);
    CHECK_FALSE(forced_later.answered());

    grab.release_one();  // grab 2 ends: the earlier request has its frame, the later one does not
    auto earlier = forced_earlier.get();
    REQUIRE(earlier.has_value());
    CHECK(earlier->frame.grabbed_at < asked_at);
    CHECK_FALSE(forced_later.answered());
    REQUIRE(grab.wait_begun(3));  // the next grab starts as the one before ends
    CHECK_FALSE(forced_later.answered());
    grab.release_one();
    auto later = forced_later.get();
    REQUIRE(later.has_value());
    CHECK_FALSE(later->from_cache);
    CHECK(later->frame.grabbed_at >= asked_at);  // its grab began after the request
    CHECK(grab.begun() == 3);
}

TEST_CASE("frame cache: younger_than answers a young enough frame at once, else joins only a grab begun recently enough") {
    HeldGrab grab;
    TestClock clock;
    FrameCache cache({source("cam", 1s)}, grab.function(), 5min, clock.function());
    Snapshot first = first_frame(cache, grab, "cam");
    clock.advance(300ms);
    auto young = cache.get_blocking("cam", wanted_younger_than(500ms));  // answered from memory
    REQUIRE(young.has_value());
    CHECK(young->from_cache);
    CHECK(young->age == 300ms);
    CHECK(grab.begun() == 1);

    Pending younger;
    cache.get("cam", wanted_younger_than(100ms), younger.callback());  // inside max age, but too old for it
    CHECK_FALSE(younger.answered());
    REQUIRE(grab.wait_begun(2));
    clock.advance(50ms);
    Pending joins, waits_for_next;
    cache.get("cam", wanted_younger_than(100ms), joins.callback());          // grab 2 began 50 ms ago: joined
    cache.get("cam", wanted_younger_than(20ms), waits_for_next.callback());  // too long ago: the next grab
    CHECK_FALSE(joins.answered());
    grab.release_one();
    REQUIRE(younger.get().has_value());
    auto joined = joins.get();
    REQUIRE(joined.has_value());
    CHECK(joined->jpeg == younger.get()->jpeg);  // the same grab
    CHECK(joined->jpeg != first.jpeg);
    REQUIRE(grab.wait_begun(3));
    CHECK_FALSE(waits_for_next.answered());
    grab.release_one();
    auto next = waits_for_next.get();
    REQUIRE(next.has_value());
    CHECK(next->jpeg != joined->jpeg);
    CHECK(grab.begun() == 3);
}

TEST_CASE("frame cache: never_wait answers any held frame at once, marked stale after a failed refresh") {
    HeldGrab grab;
    TestClock clock;
    FrameCache cache({source("cam", 1s)}, grab.function(), 2s, clock.function());
    Pending cold;
    cache.get("cam", wanted_never_wait(), cold.callback());  // no frame at all: it waits for the grab
    REQUIRE(grab.wait_begun(1));
    CHECK_FALSE(cold.answered());
    grab.release_one();
    Snapshot first = *cold.get();

    clock.advance(10s);  // past max age and past the stale limit
    Pending plain, latest;
    cache.get("cam", false, plain.callback());  // too old to stand in: waits for the refresh
    cache.get("cam", wanted_never_wait(), latest.callback());
    REQUIRE(grab.wait_begun(2));
    CHECK_FALSE(plain.answered());
    REQUIRE(latest.answered());  // while the refresh is held
    CHECK(latest.get()->refreshing);
    CHECK(latest.get()->jpeg == first.jpeg);
    CHECK(latest.get()->age == 10s);
    grab.release_one();
    REQUIRE(plain.get().has_value());

    grab.fail_from_now(true);
    clock.advance(1500ms);
    Pending before_failure;
    cache.get("cam", wanted_never_wait(), before_failure.callback());
    REQUIRE(before_failure.answered());
    CHECK(before_failure.get()->refreshing);
    REQUIRE(grab.wait_begun(3));
    grab.release_one();
    REQUIRE(wait_until_refreshed(cache));
    auto after_failure = cache.get_blocking("cam", wanted_never_wait());
    REQUIRE(after_failure.has_value());
    CHECK(after_failure->stale);
    REQUIRE(after_failure->refresh_error.has_value());
    CHECK(after_failure->refresh_error->kind == ErrorKind::timeout);
    CHECK_FALSE(after_failure->refreshing);  // no retry before max age after a failure
    CHECK(grab.begun() == 3);
}

TEST_CASE("frame cache: past max age a failed refresh keeps the frame stale, then the next reader starts another refresh") {
    HeldGrab grab;
    TestClock clock;
    FrameCache cache({source("cam", 1s)}, grab.function(), 5min, clock.function());
    first_frame(cache, grab, "cam");
    grab.fail_from_now(true);
    clock.advance(1500ms);
    CHECK(cache.get_blocking("cam", false)->refreshing);
    REQUIRE(grab.wait_begun(2));
    grab.release_one();
    REQUIRE(wait_until_refreshed(cache));
    auto stale = cache.get_blocking("cam", false);  // inside max age of the failure: no new grab
    REQUIRE(stale.has_value());
    CHECK(stale->stale);
    CHECK_FALSE(stale->refreshing);
    CHECK(cache.stats()[0].failures == 1);
    CHECK(cache.stats()[0].last_error.has_value());
    clock.advance(1500ms);
    auto retried = cache.get_blocking("cam", false);  // past it: stale at once, a refresh behind it
    REQUIRE(retried.has_value());
    CHECK(retried->stale);
    CHECK(retried->refreshing);
    REQUIRE(grab.wait_begun(3));
    grab.fail_from_now(false);
    grab.release_one();
    REQUIRE(wait_until_refreshed(cache));
    auto recovered = cache.get_blocking("cam", false);
    REQUIRE(recovered.has_value());
    CHECK_FALSE(recovered->stale);
    CHECK_FALSE(cache.stats()[0].last_error.has_value());
}
