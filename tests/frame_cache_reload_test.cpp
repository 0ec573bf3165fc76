// A config reload of the frame cache, shown by ordering, not timing: kept sources keep their held
// frame (no new grab), removed ones are unknown at once and their grab in flight is cancelled,
// added and changed ones grab with their new settings. The grab is a fake that counts per URL.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "core/fallback.hpp"
#include "core/frame_cache.hpp"
#include "core/source_changes.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;
using std::chrono::system_clock;

namespace {

// Answers a small picture at once, counting calls per URL; a URL starting "hang" waits for its
// stop token (a camera that never answers), so only a cancel ends it.
class CountingGrab {
public:
    FrameCache::GrabFunction function() {
        return [this](const GrabRequest& request, std::stop_token stop) { return grab(request, stop); };
    }
    int calls(const std::string& url) {
        std::lock_guard lock(mutex_);
        return calls_[url];
    }
    bool wait_called(const std::string& url) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return calls_[url] > 0; });
    }

private:
    Result<Frame> grab(const GrabRequest& request, std::stop_token stop) {
        std::unique_lock lock(mutex_);
        ++calls_[request.url];
        changed_.notify_all();
        if (request.url.starts_with("hang")) {
            changed_.wait(lock, stop, [] { return false; });
            return make_error(ErrorKind::cancelled, "the grab was cancelled");
        }
        return decode_frame(picture_, system_clock::now());
    }

    std::mutex mutex_;
    std::condition_variable_any changed_;
    // mutex_ protects the following state.
    std::map<std::string, int> calls_;
    const std::vector<uint8_t> picture_ =
        diagnostic_card("test", Error{ErrorKind::no_frame, "test picture", {}}, system_clock::now(), CardSize{160, 90});
};

SourceConfig source(const std::string& name, const std::string& url) {
    SourceConfig s;
    s.name = name;
    s.grab.url = url;
    s.max_age = 60s;  // a held frame is answered from memory for the whole test
    return s;
}

std::vector<std::string> names(const std::vector<SourceConfig>& sources) {
    std::vector<std::string> out;
    for (const SourceConfig& s : sources) out.push_back(s.name);
    return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("frame cache reload: a kept source keeps its frame, a removed one is unknown, an added one grabs") {
    CountingGrab grab;
    FrameCache cache({source("a", "url-a"), source("b", "url-b")}, grab.function());
    REQUIRE(cache.get_blocking("a", false));
    REQUIRE(cache.get_blocking("b", false));
    auto before = cache.sources();

    auto changes = cache.reconfigure({source("a", "url-a"), source("c", "url-c")});
    REQUIRE(changes);
    CHECK(changes->kept == Names{"a"});
    CHECK(changes->added == Names{"c"});
    CHECK(changes->removed == Names{"b"});
    CHECK(changes->changed.empty());
    CHECK(summary(*changes) == "1 kept, 1 added, 1 removed, 0 changed");

    auto kept = cache.get_blocking("a", false);
    REQUIRE(kept);
    CHECK(kept->from_cache);
    CHECK(grab.calls("url-a") == 1);  // the frame held before the reload answered

    auto removed = cache.get_blocking("b", false);
    REQUIRE_FALSE(removed);
    CHECK(removed.error().kind == ErrorKind::invalid_input);
    CHECK(removed.error().message == "unknown source: b");

    auto added = cache.get_blocking("c", false);
    REQUIRE(added);
    CHECK_FALSE(added->from_cache);
    CHECK(grab.calls("url-c") == 1);

    CHECK(names(*cache.sources()) == Names{"a", "c"});
    CHECK(cache.find("b") == nullptr);
    REQUIRE(cache.find("c") != nullptr);
    CHECK(cache.find("c")->grab.url == "url-c");
    CHECK(names(*before) == Names{"a", "b"});  // a snapshot taken earlier is unchanged and still valid
    auto stats = cache.stats();
    REQUIRE(stats.size() == 2);
    CHECK(stats[0].name == "a");
    CHECK(stats[0].has_frame);
    CHECK(stats[1].name == "c");
}

TEST_CASE("frame cache reload: a changed source is replaced and grabs anew with its new settings") {
    CountingGrab grab;
    FrameCache cache({source("a", "url-a")}, grab.function());
    REQUIRE(cache.get_blocking("a", false));
    auto changes = cache.reconfigure({source("a", "url-a2")});
    REQUIRE(changes);
    CHECK(changes->changed == Names{"a"});
    CHECK(changes->kept.empty());
    auto after = cache.get_blocking("a", false);
    REQUIRE(after);
    CHECK_FALSE(after->from_cache);  // the old frame went with the old settings
    CHECK(grab.calls("url-a2") == 1);
    CHECK(cache.find("a")->grab.url == "url-a2");
}

TEST_CASE("frame cache reload: removing a source cancels its grab in flight and answers its waiter") {
    CountingGrab grab;
    FrameCache cache({source("a", "url-a"), source("stuck", "hang-forever")}, grab.function());
    std::promise<Result<Snapshot>> answer;
    auto waiting = answer.get_future();
    cache.get("stuck", false, [&answer](Result<Snapshot> r) { answer.set_value(std::move(r)); });
    REQUIRE(grab.wait_called("hang-forever"));
    CHECK(waiting.wait_for(0s) == std::future_status::timeout);  // the camera never answers

    auto changes = cache.reconfigure({source("a", "url-a")});  // returns once the lane is joined
    REQUIRE(changes);
    CHECK(changes->removed == Names{"stuck"});
    REQUIRE(waiting.wait_for(0s) == std::future_status::ready);
    auto result = waiting.get();
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::cancelled);
    CHECK(cache.get_blocking("a", false));
}

TEST_CASE("frame cache reload: refused once the cache is shut down") {
    CountingGrab grab;
    FrameCache cache({source("a", "url-a")}, grab.function());
    cache.shutdown();
    auto changes = cache.reconfigure({source("b", "url-b")});
    REQUIRE_FALSE(changes);
    CHECK(changes.error().kind == ErrorKind::cancelled);
    CHECK(names(*cache.sources()) == Names{"a"});
}

TEST_CASE("frame cache reload: readers on other threads stay safe while the sources are replaced") {
    CountingGrab grab;
    std::vector<SourceConfig> one = {source("a", "url-a"), source("b", "url-b")};
    std::vector<SourceConfig> two = {source("a", "url-a"), source("c", "url-c")};
    FrameCache cache(one, grab.function());
    std::atomic<bool> done{false};
    std::atomic<int> answered{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i)
        readers.emplace_back([&] {
            while (!done) {
                for (const std::string name : {"a", "b", "c"}) {
                    auto r = cache.get_blocking(name, false);
                    if (r) ++answered;
                    else CHECK(r.error().kind == ErrorKind::invalid_input);  // b or c while not configured
                    if (auto config = cache.find(name)) CHECK(config->name == name);
                    CHECK_FALSE(cache.sources()->empty());
                    cache.stats();
                }
            }
        });
    for (int round = 0; round < 40; ++round) {
        int seen = answered;
        REQUIRE(cache.reconfigure(round % 2 ? one : two));
        // Readers answered between reloads, so the reloads interleave with their requests.
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (answered < seen + 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    }
    done = true;
    for (auto& t : readers) t.join();
    CHECK(answered >= 40 * 3);
    CHECK(grab.calls("url-a") == 1);  // kept through every reload
}

TEST_CASE("frame cache reload: a change of only a password counts as a change, in the stream URL or the ONVIF login") {
    auto gate = [](const std::string& url, const std::string& onvif_password) {
        SourceConfig s;
        s.name = "gate";
        s.grab.url = url;
        s.onvif = OnvifSettings{.device_url = "http://10.0.0.21/onvif/device_service", .user = "admin",
                                .password = onvif_password, .profile = {}};
        return s;
    };
    std::vector<SourceConfig> before{gate("rtsp://viewer:one@10.0.0.21/s", "ptz-one")};
    CHECK(compare_sources(before, {gate("rtsp://viewer:one@10.0.0.21/s", "ptz-one")}).kept == std::vector<std::string>{"gate"});
    auto stream_password = compare_sources(before, {gate("rtsp://viewer:two@10.0.0.21/s", "ptz-one")});
    CHECK(stream_password.changed == std::vector<std::string>{"gate"});
    CHECK(stream_password.kept.empty());
    auto onvif_password = compare_sources(before, {gate("rtsp://viewer:one@10.0.0.21/s", "ptz-two")});
    CHECK(onvif_password.changed == std::vector<std::string>{"gate"});
    CHECK(summary(onvif_password) == "0 kept, 0 added, 0 removed, 1 changed");
}
