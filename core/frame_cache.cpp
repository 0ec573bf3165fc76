#include "frame_cache.hpp"

#include <cstdio>
#include <future>
#include <map>
#include <mutex>

#include "live_renders.hpp"
#include "live_runtime.hpp"
#include "source_lane.hpp"

namespace ptzgrab {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Shared: a request or the live io thread may still hold a source that a reload removed. Its lane
// is joined before its last owner in the cache lets go (reconfigure, ~Impl): no Slot dies on its lane.
struct Slot : std::enable_shared_from_this<Slot> {
    std::shared_ptr<const SourceConfig> config;
    std::optional<Snapshot> held;                  // the last good frame
    FrameCache::Clock::time_point held_since;      // when it was grabbed, by the steady clock
    std::optional<Error> last_error;
    FrameCache::Clock::time_point last_error_at;
    bool in_flight = false;                        // a grab is queued on the lane or running
    bool grab_begun = false;                       // the grab in flight has called the grab function
    FrameCache::Clock::time_point grab_begun_at;
    std::vector<FrameCache::Callback> joined;      // answered by the grab in flight
    std::vector<FrameCache::Callback> after_next;  // answered by the grab after it: they need a newer frame
    uint64_t hits = 0, misses = 0, grabs = 0, failures = 0, evictions = 0;
    FrameCache::Clock::time_point last_asked;      // for the memory budget: least recently asked goes first
    std::stop_source stop;                   // cancels its grab: at shutdown, or when a reload removes it
    bool removed = false;                    // a reload removed it: no grab starts again
    std::unique_ptr<SourceLane> lane = std::make_unique<SourceLane>();  // its thread starts on first use
    std::shared_ptr<LiveStream> stream;      // live sources after enable_live (run by Impl::live)
    std::unique_ptr<LiveRenders> renders;    // its frames rendered once each, on the lane
};

// How an answer from a live stream is marked for its caller.
struct LiveMarks {
    bool waited = false;                     // the request waited for this frame
    std::optional<Error> stream_error;       // the stream is down: the frame is stale
    bool refreshing = false;                 // the stream is (re)starting: a newer frame is on its way
};

// Runs a caller's callback on a lane; what it throws is reported, never let out of the thread.
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

// A live source's frame is the stream's newest, whether or not anyone asked for it yet.
void add_live_stats(CacheStats& s, const LiveStream& stream, const LiveRenders& renders) {
    s.live = stream.status();
    s.has_frame = s.live->last_frame_age.has_value();
    s.age = s.live->last_frame_age.value_or(milliseconds(0));
    s.bytes_held = renders.bytes_held();
    if (s.live->state != LiveState::running) s.last_error = s.live->last_error;
}

Error cancelled_error() { return Error{ErrorKind::cancelled, "the server is shutting down", {}}; }

}  // namespace

using SlotPtr = std::shared_ptr<Slot>;

struct FrameCache::Impl {
    GrabFunction grab;
    milliseconds stale_limit;
    std::function<Clock::time_point()> now;
    std::mutex reconfigure_mutex;  // one reload at a time

    mutable std::mutex mutex;
    // mutex protects the following state.
    std::shared_ptr<const std::vector<SourceConfig>> configs;  // replaced whole by a reload, never changed
    std::map<std::string, SlotPtr> slots;                      // one per name in configs
    FrameListener listener;
    size_t memory_budget = default_frame_memory_budget_bytes;
    bool shut_down = false;
    std::unique_ptr<LiveRuntime> live;  // after enable_live: the io thread and the streams
    std::string ffmpeg;                 // after enable_live: for the streams of sources a reload adds

    Impl(std::vector<SourceConfig> c, GrabFunction g, milliseconds stale, std::function<Clock::time_point()> clock)
        : grab(std::move(g)), stale_limit(stale), now(std::move(clock)),
          configs(std::make_shared<const std::vector<SourceConfig>>(std::move(c))) {
        for (const SourceConfig& config : *configs) slots[config.name] = make_slot(config);
    }

    // The streams first: their children reaped, their pending waits answered (cancelled) through
    // this cache on the io thread, which then ends. Then every lane finishes the work it was given
    // and takes no more (shut_down is set first).
    ~Impl() {
        live.reset();
        for (auto& [name, slot] : slots) slot->lane->join();
    }

    // With the lock held (or constructing): a source's slot, with its stream when live is enabled.
    SlotPtr make_slot(const SourceConfig& config) {
        auto slot = std::make_shared<Slot>();
        slot->config = std::make_shared<const SourceConfig>(config);
        if (live && config.live.mode != LiveMode::off) add_stream(*slot);
        return slot;
    }

    // With the lock held: the source's stream (not started) and its renders on its lane.
    void add_stream(Slot& slot) {
        slot.stream = live->add(ffmpeg, slot.config->grab, slot.config->live);
        slot.renders = std::make_unique<LiveRenders>(
            *slot.lane, slot.config->render,
            [this, &slot](const Snapshot& rendered) { live_rendered(slot, rendered); });  // on the lane
    }

    // On the reloading thread, for sources no longer found: grabs cancelled and streams closed
    // (children sent SIGTERM together), then each child reaped and each lane joined.
    void retire(const std::vector<SlotPtr>& removed, LiveRuntime* runtime) {
        for (const SlotPtr& slot : removed) {
            slot->stop.request_stop();
            if (slot->stream) slot->stream->close();
        }
        for (const SlotPtr& slot : removed) {
            if (slot->stream && runtime) runtime->remove(slot->stream);
            slot->lane->join();
        }
    }

    milliseconds age_of(const Slot& slot) const { return duration_cast<milliseconds>(now() - slot.held_since); }

    // With the lock held: the held frame as an answer, its age as of now, marked stale when
    // the last refresh failed.
    Snapshot held_answer(const Slot& slot) const {
        Snapshot s = *slot.held;
        s.age = age_of(slot);
        if (slot.last_error) {
            s.stale = true;
            s.refresh_error = slot.last_error;
        }
        return s;
    }

    // With the lock held: the last good frame marked stale, if young enough; else the error.
    Result<Snapshot> stale_or_error(const Slot& slot) const {
        if (slot.held && age_of(slot) <= stale_limit) return held_answer(slot);
        return std::unexpected(*slot.last_error);
    }

    bool fresh(const Slot& slot) const { return slot.held && age_of(slot) < slot.config->max_age && !slot.last_error; }

    // A source that just failed is not asked again before max_age: a dead camera must not cost
    // one ffmpeg per request.
    bool failed_recently(const Slot& slot) const {
        return slot.last_error && now() - slot.last_error_at < slot.config->max_age;
    }

    // With the lock held: an answer from memory (starting a refresh behind it when the frame is
    // past max_age), or nothing when the request must wait for a grab.
    std::optional<Result<Snapshot>> answer_from_memory(Slot& slot, const FrameWanted& wanted) {
        if (wanted.force_refresh) return std::nullopt;
        if (wanted.younger_than) {
            if (slot.held && age_of(slot) < *wanted.younger_than) return held_answer(slot);
            return std::nullopt;
        }
        if (fresh(slot)) return held_answer(slot);
        if (failed_recently(slot)) {
            if (slot.held && wanted.never_wait) return held_answer(slot);
            return stale_or_error(slot);
        }
        // Stale-while-revalidate: the held frame now, a refresh behind it.
        bool may_stand_in = slot.held && (wanted.never_wait || age_of(slot) <= stale_limit);
        if (!may_stand_in) return std::nullopt;
        Snapshot s = held_answer(slot);
        s.refreshing = true;
        if (!slot.in_flight) start_grab(slot);
        return s;
    }

    // With the lock held: whether a request arriving now may share the grab in flight. A grab
    // that began before a force_refresh may hold a frame older than the request.
    bool may_join(const Slot& slot, const FrameWanted& wanted) const {
        if (!slot.in_flight || !slot.grab_begun) return true;
        if (wanted.force_refresh) return false;
        if (wanted.younger_than) return slot.grab_begun_at >= now() - *wanted.younger_than;
        return true;
    }

    // With the lock held: queues `done` on the grab in flight, the one after it, or a new grab.
    void wait_for_grab(Slot& slot, const FrameWanted& wanted, Callback done) {
        if (!may_join(slot, wanted)) {
            slot.after_next.push_back(std::move(done));
            return;
        }
        slot.joined.push_back(std::move(done));
        if (!slot.in_flight) start_grab(slot);
    }

    // With the lock held, and not shut down.
    void start_grab(Slot& slot) {
        slot.in_flight = true;
        slot.grab_begun = false;
        ++slot.grabs;
        slot.lane->post([this, self = slot.shared_from_this()] { run_grab(*self); });
    }

    // With the lock held: drops the least recently asked-for frames until the held bytes fit the
    // budget. `keep` (the frame just grabbed) is never dropped.
    void enforce_memory_budget(const Slot& keep) {
        for (;;) {
            size_t total = 0;
            Slot* oldest = nullptr;
            for (auto& [name, ptr] : slots) {
                Slot& slot = *ptr;
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
    // so the slot never stays "in flight" and no exception leaves the lane.
    Result<Snapshot> produce(const Slot& slot) {
        const SourceConfig& config = *slot.config;
        try {
            Result<Frame> frame = grab(config.grab, slot.stop.get_token());
            if (!frame) return std::unexpected(frame.error());
            auto jpeg = render_jpeg(*frame, config.render);
            if (!jpeg) return std::unexpected(jpeg.error());
            Snapshot s;
            s.frame = std::move(*frame);
            s.jpeg = std::make_shared<const std::vector<uint8_t>>(std::move(*jpeg));
            return s;
        } catch (const std::exception& e) {
            return make_error(ErrorKind::io_error, "the grab failed", e.what());
        } catch (...) {
            return make_error(ErrorKind::io_error, "the grab failed");
        }
    }

    // With the lock held: what the grab's waiters get, after keeping its frame or its error.
    Result<Snapshot> settle(Slot& slot, Result<Snapshot> result, FrameListener& notify) {
        if (result) {
            slot.held = *result;
            slot.held_since = now();
            slot.last_error.reset();
            enforce_memory_budget(slot);
            notify = listener;
            return result;
        }
        if (result.error().kind == ErrorKind::cancelled) return result;
        ++slot.failures;
        slot.last_error = result.error();
        slot.last_error_at = now();
        return stale_or_error(slot);
    }

    // Any thread, without the lock: a live source's answer.
    void get_live(Slot& slot, const FrameWanted& wanted, Callback done) {
        LiveStream& stream = *slot.stream;
        stream.touch();
        LivePeek peek = stream.peek();
        uint64_t newest = peek.frame ? peek.frame->sequence : 0;
        bool needs_next = wanted.force_refresh ||
                          (wanted.younger_than && !(peek.frame && live_age(*peek.frame) < *wanted.younger_than));
        bool stands_in = peek.frame && (wanted.never_wait || young_enough(slot, *peek.frame));
        bool answer_now = peek.frame && !needs_next && (peek.live || stands_in || peek.last_error.has_value());
        count(slot, answer_now);
        if (!answer_now) return wait_live(slot, newest, slot.config->grab.timeout, wanted.never_wait, std::move(done));
        if (peek.live) return answer_live(slot, peek.frame, {}, std::move(done));
        // Not live now (a cold start, a planned restart, a failure): the held frame at once, touched
        // above so a newer one is on its way; marked stale when the stream failed.
        if (stands_in)
            return answer_live(slot, peek.frame,
                               LiveMarks{.waited = false, .stream_error = peek.last_error,
                                         .refreshing = !peek.last_error.has_value()},
                               std::move(done));
        // Down, and the frame is old: the last frame marked stale, then the error.
        live_failed(slot, *peek.last_error, wanted.never_wait, std::move(done));
    }

    // A held frame a plain read may take while the stream is not live: as fresh as the source's
    // max_age asks, and inside the stale limit.
    bool young_enough(const Slot& slot, const LiveFrame& frame) const {
        milliseconds age = live_age(frame);
        return age < slot.config->max_age && age <= stale_limit;
    }

    void count(Slot& slot, bool hit) {
        std::lock_guard lock(mutex);
        ++(hit ? slot.hits : slot.misses);
    }

    static milliseconds live_age(const LiveFrame& frame) {
        return duration_cast<milliseconds>(std::chrono::steady_clock::now() - frame.arrived);
    }

    // The first frame above `after`, or the stream's failure, within `timeout`.
    void wait_live(Slot& slot, uint64_t after, milliseconds timeout, bool never_wait, Callback done) {
        slot.stream->wait_frame(after, timeout, [this, self = slot.shared_from_this(), never_wait, done = std::move(done)](
                                                    Result<std::shared_ptr<const LiveFrame>> frame) mutable {
            if (!frame) return live_failed(*self, frame.error(), never_wait, std::move(done));
            answer_live(*self, std::move(*frame), LiveMarks{.waited = true, .stream_error = {}}, std::move(done));
        });
    }

    // The first frame above `after`, or the stream's failure as it is: never an older frame standing
    // in, so a viewer asking again is never answered the frame it already has (a busy loop).
    void wait_newer(Slot& slot, uint64_t after, milliseconds timeout, Callback done) {
        slot.stream->wait_frame(after, timeout, [this, self = slot.shared_from_this(), done = std::move(done)](
                                                    Result<std::shared_ptr<const LiveFrame>> frame) mutable {
            if (!frame) return done(std::unexpected(frame.error()));
            answer_live(*self, std::move(*frame), LiveMarks{.waited = true, .stream_error = {}}, std::move(done));
        });
    }

    // The newest frame marked stale while it is inside the stale limit (any age for never_wait), else the error.
    // A stream answers its waits `cancelled` only as it closes: then the stream must not be asked.
    void live_failed(Slot& slot, const Error& error, bool never_wait, Callback done) {
        if (error.kind == ErrorKind::cancelled) return done(std::unexpected(error));
        std::shared_ptr<const LiveFrame> frame = slot.stream->newest();
        if (!frame || (!never_wait && live_age(*frame) > stale_limit)) return done(std::unexpected(error));
        answer_live(slot, std::move(frame), LiveMarks{.waited = false, .stream_error = error}, std::move(done));
    }

    // Renders `frame` (once, on the lane, shared) and answers with this caller's marks.
    void answer_live(Slot& slot, std::shared_ptr<const LiveFrame> frame, LiveMarks marks, Callback done) {
        auto arrived = frame->arrived;
        slot.renders->render(std::move(frame), [arrived, marks = std::move(marks), done = std::move(done)](
                                                   Result<Snapshot> rendered) mutable {
            if (rendered) {
                rendered->age = duration_cast<milliseconds>(std::chrono::steady_clock::now() - arrived);
                rendered->from_cache = !marks.waited;
                rendered->stale = marks.stream_error.has_value();
                rendered->refreshing = marks.refreshing;
                rendered->refresh_error = std::move(marks.stream_error);
            }
            done(std::move(rendered));
        });
    }

    // On the lane, after a live frame's one render: the frame listener sees it.
    void live_rendered(const Slot& slot, const Snapshot& snapshot) {
        FrameListener notify;
        {
            std::lock_guard lock(mutex);
            notify = listener;
        }
        if (notify) call_guarded("the frame listener", [&] { notify(*slot.config, snapshot); });
    }

    // Runs on the source's lane.
    void run_grab(Slot& slot) {
        {
            std::lock_guard lock(mutex);
            slot.grab_begun = true;
            slot.grab_begun_at = now();
        }
        Result<Snapshot> result = produce(slot);
        std::vector<Callback> waiters, cancelled;
        FrameListener notify;
        {
            std::lock_guard lock(mutex);
            waiters.swap(slot.joined);
            result = settle(slot, std::move(result), notify);
            slot.in_flight = false;
            // Those who needed a grab begun after they asked get the next one, started now.
            if (shut_down || slot.removed) {
                cancelled.swap(slot.after_next);
            } else if (!slot.after_next.empty()) {
                slot.joined.swap(slot.after_next);
                start_grab(slot);
            }
        }
        // Waiters first: a slow disk behind the listener must not hold up the answers.
        // Each one alone: a callback that throws must not keep the others from their answer.
        for (Callback& done : waiters) call_guarded("a waiter", [&] { done(result); });
        for (Callback& done : cancelled) call_guarded("a waiter", [&] { done(std::unexpected(cancelled_error())); });
        if (notify && result) call_guarded("the frame listener", [&] { notify(*slot.config, *result); });
    }
};

FrameCache::FrameCache(std::vector<SourceConfig> sources, GrabFunction grab, milliseconds stale_limit,
                       std::function<Clock::time_point()> now)
    : impl_(std::make_unique<Impl>(std::move(sources), std::move(grab), stale_limit, std::move(now))) {}

FrameCache::~FrameCache() {
    shutdown();
    impl_.reset();  // joins the lanes
}

void FrameCache::get(const std::string& source, bool force_refresh, Callback done) {
    FrameWanted wanted;
    wanted.force_refresh = force_refresh;
    get(source, wanted, std::move(done));
}

void FrameCache::get(const std::string& source, const FrameWanted& wanted, Callback done) {
    std::optional<Result<Snapshot>> answer;
    SlotPtr live;  // held while answered outside the lock: a reload may remove the source meanwhile
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->slots.find(source);
        if (impl_->shut_down) {
            answer = std::unexpected(cancelled_error());
        } else if (it == impl_->slots.end()) {
            answer = std::unexpected(Error{ErrorKind::invalid_input, "unknown source: " + source, {}});
        } else {
            Slot& slot = *it->second;
            slot.last_asked = impl_->now();
            if (slot.stream) {
                live = it->second;
            } else if ((answer = impl_->answer_from_memory(slot, wanted))) {
                ++slot.hits;
                if (*answer) (*answer)->from_cache = true;
            } else {
                ++slot.misses;
                impl_->wait_for_grab(slot, wanted, std::move(done));
                return;
            }
        }
    }
    // Outside the lock: the stream has its own, and an answer at once calls back on this thread.
    if (live) return impl_->get_live(*live, wanted, std::move(done));
    done(std::move(*answer));
}

void FrameCache::next(const std::string& source, uint64_t after_sequence, milliseconds timeout, Callback done) {
    SlotPtr live;
    Error refused{ErrorKind::invalid_input, "not a live source: " + source, {}};
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->slots.find(source);
        if (impl_->shut_down) refused = cancelled_error();
        else if (it != impl_->slots.end() && it->second->stream) live = it->second;
    }
    if (!live) return done(std::unexpected(refused));
    impl_->wait_newer(*live, after_sequence, timeout, std::move(done));
}

std::shared_ptr<void> FrameCache::watch(const std::string& source, double fps) {
    std::shared_ptr<LiveStream> stream;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->slots.find(source);
        if (it != impl_->slots.end()) stream = it->second->stream;
    }
    return stream ? stream->add_viewer(fps) : nullptr;
}

void FrameCache::enable_live(const std::string& ffmpeg) {
    std::lock_guard lock(impl_->mutex);
    if (impl_->live || impl_->shut_down) return;
    impl_->live = std::make_unique<LiveRuntime>();
    impl_->ffmpeg = ffmpeg;
    for (auto& [name, slot] : impl_->slots) {
        const LiveOptions& options = slot->config->live;
        if (options.mode == LiveMode::off) continue;
        impl_->add_stream(*slot);
        if (options.mode == LiveMode::always) slot->stream->start();
    }
}

Result<Snapshot> FrameCache::get_blocking(const std::string& source, bool force_refresh) {
    FrameWanted wanted;
    wanted.force_refresh = force_refresh;
    return get_blocking(source, wanted);
}

Result<Snapshot> FrameCache::get_blocking(const std::string& source, const FrameWanted& wanted) {
    std::promise<Result<Snapshot>> promise;
    auto future = promise.get_future();
    get(source, wanted, [&promise](Result<Snapshot> r) { promise.set_value(std::move(r)); });
    return future.get();
}

std::vector<std::string> FrameCache::clear(const std::string& source) {
    std::vector<std::string> dropped;
    std::lock_guard lock(impl_->mutex);
    for (auto& [name, ptr] : impl_->slots) {
        Slot& slot = *ptr;
        if (!source.empty() && name != source) continue;
        if (slot.held || slot.last_error || slot.renders) dropped.push_back(name);
        slot.held.reset();
        slot.last_error.reset();
        if (slot.renders) slot.renders->clear();
    }
    return dropped;
}

std::vector<CacheStats> FrameCache::stats() const {
    std::vector<CacheStats> out;
    std::lock_guard lock(impl_->mutex);
    for (const SourceConfig& config : *impl_->configs) {
        const Slot& slot = *impl_->slots.at(config.name);
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
        if (slot.stream) add_live_stats(s, *slot.stream, *slot.renders);
        out.push_back(std::move(s));
    }
    return out;
}

std::shared_ptr<const std::vector<SourceConfig>> FrameCache::sources() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->configs;
}

std::shared_ptr<const SourceConfig> FrameCache::find(const std::string& name) const {
    std::shared_ptr<const std::vector<SourceConfig>> all = sources();
    for (const SourceConfig& config : *all)
        if (config.name == name) return {all, &config};  // shares the snapshot's ownership
    return nullptr;
}

Result<SourceChanges> FrameCache::reconfigure(std::vector<SourceConfig> sources) {
    std::lock_guard one_at_a_time(impl_->reconfigure_mutex);
    SourceChanges changes;
    std::vector<SlotPtr> removed, starting;
    LiveRuntime* runtime = nullptr;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->shut_down) return std::unexpected(cancelled_error());
        changes = compare_sources(*impl_->configs, sources);
        std::map<std::string, SlotPtr> slots;
        for (const SourceConfig& config : sources) {
            auto running = impl_->slots.find(config.name);
            if (running != impl_->slots.end() && *running->second->config == config) {
                slots.emplace(config.name, running->second);  // kept as it runs
                continue;
            }
            SlotPtr slot = impl_->make_slot(config);
            if (slot->stream && config.live.mode == LiveMode::always) starting.push_back(slot);
            slots.emplace(config.name, std::move(slot));
        }
        for (auto& [name, slot] : impl_->slots) {
            auto now = slots.find(name);
            if (now != slots.end() && now->second == slot) continue;
            slot->removed = true;
            removed.push_back(slot);
        }
        impl_->slots = std::move(slots);
        impl_->configs = std::make_shared<const std::vector<SourceConfig>>(std::move(sources));
        runtime = impl_->live.get();  // freed only by ~Impl, which no reconfigure overlaps
    }
    // Outside the lock: requests go on while the removed sources' children end.
    impl_->retire(removed, runtime);
    for (const SlotPtr& slot : starting) slot->stream->start();
    return changes;
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
    LiveRuntime* live = nullptr;
    std::vector<SlotPtr> slots;
    {
        std::lock_guard lock(impl_->mutex);
        impl_->shut_down = true;
        live = impl_->live.get();  // enable_live adds no stream once shut_down is set; ~Impl frees it
        for (auto& [name, slot] : impl_->slots) slots.push_back(slot);
    }
    for (const SlotPtr& slot : slots) slot->stop.request_stop();  // outside the lock: kills run here
    // Live waits answered cancelled, children sent SIGTERM; never blocks (the server's io thread).
    if (live) live->close_all();
}

}  // namespace ptzgrab
