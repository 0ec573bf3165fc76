#include "frame_cache.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>


namespace ptzgrab {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

struct Slot {
    const SourceConfig* config = nullptr;
    std::optional<Snapshot> held;                  // the last good frame
    FrameCache::Clock::time_point held_since;      // when it was grabbed, by the steady clock
    std::optional<Error> last_error;
    FrameCache::Clock::time_point last_error_at;
    bool in_flight = false;
    std::vector<FrameCache::Callback> waiters;     // requests sharing the grab in flight
    uint64_t hits = 0, misses = 0, grabs = 0, failures = 0, evictions = 0;
    FrameCache::Clock::time_point last_asked;      // for the memory budget: least recently asked goes first
};

// Runs a caller's callback on a grab thread; what it throws is reported, never let out of the thread.
template <class F>
void call_guarded(const char* what, F&& callback) noexcept {
    try {
        callback();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ptzgrab: %s of the frame cache threw: %s\n", what, e.what());
    } catch (...) {
        std::fprintf(stderr, "ptzgrab: %s of the frame cache threw\n", what);
    }
}

size_t bytes_of(const Snapshot& s) {
    return static_cast<size_t>(s.frame.width) * s.frame.height * 3 + (s.jpeg ? s.jpeg->size() : 0);
}

}  // namespace

struct FrameCache::Impl {
    std::vector<SourceConfig> configs;
    GrabFunction grab;
    milliseconds stale_limit;
    std::function<Clock::time_point()> now;
    boost::asio::thread_pool pool;
    std::stop_source stop;

    mutable std::mutex mutex;
    // mutex protects the following state.
    std::map<std::string, Slot> slots;
    FrameListener listener;
    size_t memory_budget = default_frame_memory_budget_bytes;
    bool shut_down = false;

    Impl(std::vector<SourceConfig> c, GrabFunction g, milliseconds stale, int threads,
         std::function<Clock::time_point()> clock)
        : configs(std::move(c)), grab(std::move(g)), stale_limit(stale), now(std::move(clock)),
          pool(static_cast<size_t>(std::max(1, threads))) {
        for (const SourceConfig& config : configs) slots[config.name].config = &config;
    }

    milliseconds age_of(const Slot& slot) const { return duration_cast<milliseconds>(now() - slot.held_since); }

    // With the lock held: the held frame as an answer, its age as of now.
    Snapshot held_answer(const Slot& slot) const {
        Snapshot s = *slot.held;
        s.age = age_of(slot);
        return s;
    }

    // With the lock held: an answer from memory, or nothing when a grab is needed.
    std::optional<Result<Snapshot>> answer_from_memory(Slot& slot) {
        milliseconds max_age = slot.config->max_age;
        if (slot.held && age_of(slot) < max_age && !slot.last_error) {
            Snapshot s = held_answer(slot);
            s.from_cache = true;
            return s;
        }
        // A source that just failed is not asked again before max_age: a dead camera
        // must not cost one ffmpeg per request.
        if (slot.last_error && now() - slot.last_error_at < max_age) {
            auto answer = stale_or_error(slot);
            if (answer) answer->from_cache = true;
            return answer;
        }
        return std::nullopt;
    }

    // With the lock held: the last good frame marked stale, if young enough; else the error.
    Result<Snapshot> stale_or_error(const Slot& slot) const {
        if (slot.held && age_of(slot) <= stale_limit) {
            Snapshot s = held_answer(slot);
            s.stale = true;
            s.refresh_error = slot.last_error;
            return s;
        }
        return std::unexpected(*slot.last_error);
    }

    // With the lock held: drops the least recently asked-for frames until the held bytes fit the
    // budget. `keep` (the frame just grabbed) is never dropped.
    void enforce_memory_budget(const Slot& keep) {
        for (;;) {
            size_t total = 0;
            Slot* oldest = nullptr;
            for (auto& [name, slot] : slots) {
                if (!slot.held) continue;
                total += bytes_of(*slot.held);
                if (&slot != &keep && (!oldest || slot.last_asked < oldest->last_asked)) oldest = &slot;
            }
            if (total <= memory_budget || !oldest) return;
            oldest->held.reset();
            ++oldest->evictions;
        }
    }

    // Grab and render; an exception (bad_alloc, cv::Exception, a throwing grab) becomes an error,
    // so the slot never stays "in flight" and no exception leaves the grab thread.
    Result<Snapshot> produce(const SourceConfig& config) {
        try {
            Result<Frame> frame = grab(config.grab, stop.get_token());
            if (!frame) return std::unexpected(frame.error());
            auto jpeg = render_jpeg(*frame, config.render);
            if (!jpeg) return std::unexpected(jpeg.error());
            return Snapshot{std::move(*frame), std::make_shared<const std::vector<uint8_t>>(std::move(*jpeg)),
                            false, false, std::nullopt};
        } catch (const std::exception& e) {
            return make_error(ErrorKind::io_error, "the grab failed", e.what());
        } catch (...) {
            return make_error(ErrorKind::io_error, "the grab failed");
        }
    }

    void run_grab(Slot& slot) {
        const SourceConfig& config = *slot.config;
        Result<Snapshot> result = produce(config);
        std::vector<Callback> waiters;
        FrameListener notify;
        {
            std::lock_guard lock(mutex);
            slot.in_flight = false;
            waiters.swap(slot.waiters);
            if (result) {
                slot.held = *result;
                slot.held_since = now();
                slot.last_error.reset();
                enforce_memory_budget(slot);
                notify = listener;
            } else if (result.error().kind != ErrorKind::cancelled) {
                ++slot.failures;
                slot.last_error = result.error();
                slot.last_error_at = now();
                result = stale_or_error(slot);
            }
        }
        // Waiters first: a slow disk behind the listener must not hold up the answers.
        // Each one alone: a callback that throws must not keep the others from their answer.
        for (Callback& done : waiters) call_guarded("a waiter", [&] { done(result); });
        if (notify && result) call_guarded("the frame listener", [&] { notify(config, *result); });
    }
};

FrameCache::FrameCache(std::vector<SourceConfig> sources, GrabFunction grab, milliseconds stale_limit,
                       int grab_threads, std::function<Clock::time_point()> now)
    : impl_(std::make_unique<Impl>(std::move(sources), std::move(grab), stale_limit, grab_threads, std::move(now))) {}

FrameCache::~FrameCache() {
    shutdown();
    impl_->pool.join();
}

void FrameCache::get(const std::string& source, bool force_refresh, Callback done) {
    std::optional<Result<Snapshot>> answer;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->slots.find(source);
        if (impl_->shut_down) {
            answer = std::unexpected(Error{ErrorKind::cancelled, "the server is shutting down", {}});
        } else if (it == impl_->slots.end()) {
            answer = std::unexpected(Error{ErrorKind::invalid_input, "unknown source: " + source, {}});
        } else {
            Slot& slot = it->second;
            slot.last_asked = impl_->now();
            if (!force_refresh && !slot.in_flight) answer = impl_->answer_from_memory(slot);
            if (answer) {
                ++slot.hits;
            } else {
                ++slot.misses;
                slot.waiters.push_back(std::move(done));
                if (!slot.in_flight) {
                    slot.in_flight = true;
                    ++slot.grabs;
                    boost::asio::post(impl_->pool, [this, &slot] { impl_->run_grab(slot); });
                }
                return;
            }
        }
    }
    done(std::move(*answer));
}

Result<Snapshot> FrameCache::get_blocking(const std::string& source, bool force_refresh) {
    std::promise<Result<Snapshot>> promise;
    auto future = promise.get_future();
    get(source, force_refresh, [&promise](Result<Snapshot> r) { promise.set_value(std::move(r)); });
    return future.get();
}

std::vector<std::string> FrameCache::clear(const std::string& source) {
    std::vector<std::string> dropped;
    std::lock_guard lock(impl_->mutex);
    for (auto& [name, slot] : impl_->slots) {
        if (!source.empty() && name != source) continue;
        if (slot.held || slot.last_error) dropped.push_back(name);
        slot.held.reset();
        slot.last_error.reset();
    }
    return dropped;
}

std::vector<CacheStats> FrameCache::stats() const {
    std::vector<CacheStats> out;
    std::lock_guard lock(impl_->mutex);
    for (const SourceConfig& config : impl_->configs) {
        const Slot& slot = impl_->slots.at(config.name);
        CacheStats s;
        s.name = config.name;
        s.has_frame = slot.held.has_value();
        if (slot.held) s.age = impl_->age_of(slot);
        s.max_age = config.max_age;
        s.hits = slot.hits;
        s.misses = slot.misses;
        s.grabs = slot.grabs;
        s.failures = slot.failures;
        s.last_error = slot.last_error;
        s.bytes_held = slot.held ? bytes_of(*slot.held) : 0;
        s.grab_in_flight = slot.in_flight;
        s.evictions = slot.evictions;
        out.push_back(std::move(s));
    }
    return out;
}

const std::vector<SourceConfig>& FrameCache::sources() const { return impl_->configs; }

const SourceConfig* FrameCache::find(const std::string& name) const {
    for (const SourceConfig& config : impl_->configs)
        if (config.name == name) return &config;
    return nullptr;
}

void FrameCache::set_frame_listener(FrameListener listener) {
    std::lock_guard lock(impl_->mutex);
    impl_->listener = std::move(listener);
}

void FrameCache::set_memory_budget(size_t bytes) {
    std::lock_guard lock(impl_->mutex);
    impl_->memory_budget = bytes;
}

void FrameCache::shutdown() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->shut_down = true;
    }
    impl_->stop.request_stop();
}

}  // namespace ptzgrab
