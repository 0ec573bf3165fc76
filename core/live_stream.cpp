#include "live_stream.hpp"

#include <signal.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>
#include <random>

#include "grabber.hpp"
#include "jpeg_header.hpp"
#include "live_child.hpp"

namespace ptzgrab {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

constexpr size_t stderr_tail_lines = 20;
constexpr size_t stderr_line_chars = 300;
/// An http:// source copied for this many bytes without one JPEG is not MJPEG: re-encode it.
constexpr uint64_t not_mjpeg_after_bytes = 256 * 1024;

// Runs `f`; nothing it throws leaves the io thread.
template <class F>
void guarded(F&& f) noexcept {
    try {
        f();
    } catch (...) {
    }
}

milliseconds ms_since(Clock::time_point then, Clock::time_point now) {
    return std::chrono::duration_cast<milliseconds>(now - then);
}

bool probe_failed(const std::string& stderr_tail) {
    for (std::string_view words : {"Cannot determine format", "Could not find codec parameters", "unspecified size"})
        if (stderr_tail.find(words) != std::string::npos) return true;
    return false;
}

}  // namespace

std::string_view to_string(LiveState state) {
    switch (state) {
    case LiveState::idle: return "idle";
    case LiveState::starting: return "starting";
    case LiveState::running: return "running";
    case LiveState::backoff: return "backoff";
    }
    return "idle";
}

struct LiveStream::Impl : std::enable_shared_from_this<Impl> {
    using StopReason = LiveChild::StopReason;
    struct Waiter {
        uint64_t after_sequence;
        Clock::time_point deadline;
        FrameCallback done;
    };
    struct Viewer {
        uint64_t id;
        double fps;
    };
    using Ready = std::vector<std::pair<FrameCallback, Result<std::shared_ptr<const LiveFrame>>>>;

    Impl(boost::asio::io_context& io_, std::string ffmpeg_, GrabRequest request_, LiveOptions options_,
         LiveTimings timings_)
        : io(io_), ffmpeg(std::move(ffmpeg_)), request(std::move(request_)), options(options_), timings(timings_),
          random(std::random_device{}()) {}

    boost::asio::io_context& io;
    const std::string ffmpeg;
    const GrabRequest request;
    const LiveOptions options;
    const LiveTimings timings;

    // mutex protects the following state.
    mutable std::mutex mutex;
    bool closed = false;
    bool ticking = false;
    LiveState state = LiveState::idle;
    std::shared_ptr<LiveChild> child;
    std::optional<Clock::time_point> next_start;  // when no child is left: start one then (if wanted)
    std::shared_ptr<const LiveFrame> newest;
    uint64_t sequence = 0;
    uint64_t restarts = 0;
    int failures = 0;  // since the last healthy minute: drives the backoff
    bool fell_back = false;  // keyframes gave nothing: all frames, until the next outage or keyframes_retry
    Clock::time_point fell_back_at;
    bool reencode_http = false;
    bool full_probe = false;
    std::optional<milliseconds> keyframe_interval;
    Clock::time_point last_request = Clock::now();
    std::vector<Viewer> viewers;
    uint64_t next_viewer_id = 1;
    std::vector<Waiter> waiters;
    double past_cpu_seconds = 0;
    std::optional<Error> last_error;  // why it last failed; cleared by a new child's first frame
    bool down = false;                // failed and no child has given a frame since: readers get last_error
    std::deque<std::string> stderr_lines;
    std::minstd_rand random;

    // ---- called with the mutex held, on the io thread unless said otherwise ----

    bool wanted(Clock::time_point now) const {
        return options.mode == LiveMode::always || !viewers.empty() || !waiters.empty() ||
               now - last_request < options.idle;
    }

    double viewer_fps() const {
        double fps = 0;
        for (const auto& v : viewers) fps = std::max(fps, v.fps);
        return fps;
    }

    // What the next child should do: viewers asking for a rate win, then the fall-back, then the options.
    std::pair<LiveDecode, double> desired_decoding() const {
        if (double fps = viewer_fps(); fps > 0) return {LiveDecode::all, fps};
        if (fell_back) return {LiveDecode::all, options.fps};
        return {options.decode, options.fps};
    }

    void ensure_running(Clock::time_point now) {
        if (closed) return;
        if (!child && state == LiveState::idle) spawn(now);
        ensure_ticking();
    }

    void spawn(Clock::time_point now) {
        next_start.reset();
        auto [decode, fps] = desired_decoding();
        GrabRequest child_request = request;
        if (full_probe) child_request.short_probe = false;
        LiveArgvTweaks tweaks{reencode_http, fell_back};
        auto argv = build_live_argv(ffmpeg, child_request, decode, fps, tweaks);
        if (!argv) return fail_to_backoff(now, argv.error());
        auto started = spawn_live_child(io, *argv);
        if (!started) return fail_to_backoff(now, started.error());
        child = *started;
        child->decoding = decode;
        child->fps = fps;
        child->copied = classify_source(request.url) == SourceKind::http && !reencode_http;
        state = LiveState::starting;
        read_out(child);
        read_err(child);
    }

    void fail_to_backoff(Clock::time_point now, const Error& error) {
        last_error = masked_error(error, request.url);
        down = true;
        fail_waiters(*last_error);
        schedule_backoff(now);
    }

    void schedule_backoff(Clock::time_point now) {
        std::uniform_real_distribution<double> jitter(0, 1);
        next_start = now + backoff_delay(failures++, jitter(random), timings);
        state = LiveState::backoff;
        // A fall-back may have been caused by the outage itself: after one, keyframes are tried again.
        if (viewer_fps() <= 0) fell_back = false;
        ++restarts;
    }

    Ready ready_to_fail;  // callbacks to run once the mutex is released
    Ready take_ready(Ready more = {}) {
        for (auto& r : ready_to_fail) more.push_back(std::move(r));
        ready_to_fail.clear();
        return more;
    }
    void fail_waiters(const Error& error) {
        for (auto& w : waiters) ready_to_fail.emplace_back(std::move(w.done), std::unexpected(error));
        waiters.clear();
    }

    void stop_child(StopReason reason, Clock::time_point now) {
        if (!child || child->stop_reason != StopReason::none) return;
        child->stop_reason = reason;
        child->term_sent_at = now;
        signal_child(*child, SIGTERM);
    }

    // ---- pipes ----

    void read_out(const std::shared_ptr<LiveChild>& c) {
        c->out.async_read_some(boost::asio::buffer(c->out_buffer),
                               [weak = weak_from_this(), c](const boost::system::error_code& ec, size_t n) {
                                   if (auto self = weak.lock()) guarded([&] { self->on_out(c, ec, n); });
                               });
    }

    void read_err(const std::shared_ptr<LiveChild>& c) {
        c->err.async_read_some(boost::asio::buffer(c->err_buffer),
                               [weak = weak_from_this(), c](const boost::system::error_code& ec, size_t n) {
                                   if (auto self = weak.lock()) guarded([&] { self->on_err(c, ec, n); });
                               });
    }

    void on_out(const std::shared_ptr<LiveChild>& c, const boost::system::error_code& ec, size_t n) {
        Ready ready;
        {
            std::lock_guard lock(mutex);
            if (c != child) return;  // closed: still drained, so a closing ffmpeg never blocks on a full pipe
            c->splitter.feed(std::span<const uint8_t>(c->out_buffer.data(), n));
            auto now = Clock::now();
            for (auto& jpeg : c->cut) publish(*c, std::move(jpeg), now, ready);
            c->cut.clear();
            if (c->copied && c->splitter.frames() == 0 && c->splitter.skipped_bytes() > not_mjpeg_after_bytes &&
                c->stop_reason == StopReason::none) {
                reencode_http = true;  // not MJPEG: decode and encode it instead
                stop_child(StopReason::restart, now);
            }
            if (ec) {
                c->out_closed = true;
                after_pipe_closed(*c, now);
            } else {
                read_out(c);
            }
            ready = take_ready(std::move(ready));
        }
        run(ready);
    }

    void on_err(const std::shared_ptr<LiveChild>& c, const boost::system::error_code& ec, size_t n) {
        Ready ready;
        {
            std::lock_guard lock(mutex);
            if (c != child) return;
            take_stderr(c, ec, n);
            ready = take_ready();
        }
        run(ready);
    }

    void take_stderr(const std::shared_ptr<LiveChild>& c, const boost::system::error_code& ec, size_t n) {
        std::string_view text(c->err_buffer.data(), n);
        c->stderr_tail.append(text);
        if (c->stderr_tail.size() > live_stderr_limit_bytes) {
            size_t cut = c->stderr_tail.find('\n', c->stderr_tail.size() - live_stderr_limit_bytes);
            c->stderr_tail.erase(0, cut == std::string::npos ? c->stderr_tail.size() : cut + 1);
        }
        for (char ch : text) {
            if (ch != '\n' && c->stderr_line.size() < 4 * stderr_line_chars) {
                c->stderr_line += ch;
            } else if (ch == '\n') {
                keep_stderr_line(c->stderr_line);
                c->stderr_line.clear();
            }
        }
        if (ec) {
            if (!c->stderr_line.empty()) keep_stderr_line(c->stderr_line);
            c->err_closed = true;
            after_pipe_closed(*c, Clock::now());
        } else {
            read_err(c);
        }
    }

    void keep_stderr_line(const std::string& raw) {
        std::string line = mask_text(raw, request.url);  // masked before it is cut
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) return;
        if (line.size() > stderr_line_chars) line = line.substr(0, stderr_line_chars) + "...";
        stderr_lines.push_back(std::move(line));
        if (stderr_lines.size() > stderr_tail_lines) stderr_lines.pop_front();
    }

    void after_pipe_closed(LiveChild& c, Clock::time_point now) {
        if (!(c.out_closed && c.err_closed)) return;
        c.pipes_closed_at = now;
        if (try_reap(c)) on_reaped(now);
    }

    // A whole JPEG of sane size becomes the newest frame; waiters for it are answered.
    void publish(LiveChild& c, std::vector<uint8_t> jpeg, Clock::time_point now, Ready& ready) {
        if (c.stop_reason != StopReason::none) return;
        if (!check_whole_jpeg(jpeg)) return;
        auto frame = std::make_shared<LiveFrame>();
        frame->sequence = ++sequence;
        frame->jpeg = std::make_shared<const std::vector<uint8_t>>(std::move(jpeg));
        frame->arrived = now;
        frame->arrived_wall = std::chrono::system_clock::now();
        if (c.decoding == LiveDecode::keyframes && c.last_frame)
            keyframe_interval = smoothed_interval(keyframe_interval, ms_since(*c.last_frame, now));
        if (!c.first_frame) {  // this child works: the last failure is over
            c.first_frame = now;
            last_error.reset();
            down = false;
        }
        c.last_frame = now;
        newest = frame;
        state = LiveState::running;
        std::erase_if(waiters, [&](Waiter& w) {
            if (w.after_sequence >= frame->sequence) return false;
            ready.emplace_back(std::move(w.done), std::shared_ptr<const LiveFrame>(frame));
            return true;
        });
    }

    // ---- the child ended ----

    void on_reaped(Clock::time_point now) {
        std::shared_ptr<LiveChild> c = std::move(child);
        child.reset();
        past_cpu_seconds += c->cpu_seconds;
        if (closed) return;
        if (c->first_frame && now - *c->first_frame >= timings.healthy_after) failures = 0;
        switch (c->stop_reason) {
        case StopReason::idle:
            state = LiveState::idle;
            if (wanted(now)) {  // asked for again while it was stopping
                next_start = now;
                state = LiveState::starting;
            }
            return;
        case StopReason::restart:
            next_start = now;
            state = LiveState::starting;
            ++restarts;
            return;
        case StopReason::stall:
        case StopReason::first_frame_timeout:
            schedule_backoff(now);  // the error was set when it was stopped
            return;
        case StopReason::closing:
            return;
        case StopReason::none:
            break;
        }
        ProcessOutcome outcome;
        outcome.exit_code = c->exit_code;
        outcome.stderr_tail = c->stderr_tail;
        outcome.elapsed = ms_since(c->started, now);
        Error error = classify_ffmpeg_failure(outcome, request);
        if (c->first_frame)
            error.message = "the live stream from " + mask_credentials(request.url) + " ended (exit " +
                            std::to_string(c->exit_code) + ")";
        if (!c->first_frame && probe_failed(c->stderr_tail)) {
            // The stream opened but gave nothing to decode: without keyframes, try every frame;
            // already doing that, let ffmpeg probe the stream in full.
            if (c->decoding == LiveDecode::keyframes && !fell_back) {
                fell_back = true;
                fell_back_at = now;
                last_error = masked_error(error, request.url);
                next_start = now;
                state = LiveState::starting;
                ++restarts;
                return;
            }
            full_probe = true;
        }
        fail_to_backoff(now, error);
    }

    // ---- the watchdog ----

    void ensure_ticking() {
        if (ticking || (closed && !child)) return;  // closed: only to reap the child
        ticking = true;
        auto timer = std::make_shared<boost::asio::steady_timer>(io, timings.tick);
        timer->async_wait([weak = weak_from_this(), timer](const boost::system::error_code&) {
            if (auto self = weak.lock()) guarded([&] { self->on_tick(); });
        });
    }

    void on_tick() {
        Ready ready;
        {
            std::lock_guard lock(mutex);
            ticking = false;
            auto now = Clock::now();
            if (closed) {  // only the child's reaping is left
                if (child) watch_child(now);
                ensure_ticking();
                return;
            }
            expire_waiters(now);
            if (child) watch_child(now);
            if (!child && next_start && now >= *next_start) {
                if (wanted(now)) {
                    spawn(now);
                } else {
                    next_start.reset();
                    state = LiveState::idle;
                }
            }
            if (child || next_start || !waiters.empty()) ensure_ticking();
            ready = take_ready();
        }
        run(ready);
    }

    void expire_waiters(Clock::time_point now) {
        std::erase_if(waiters, [&](Waiter& w) {
            if (now < w.deadline) return false;
            ready_to_fail.emplace_back(std::move(w.done),
                                       make_error(ErrorKind::timeout, "no live frame from " +
                                                                          mask_credentials(request.url) + " in time"));
            return true;
        });
    }

    void watch_child(Clock::time_point now) {
        LiveChild& c = *child;
        if (c.stop_reason != StopReason::none || c.pipes_closed_at) {
            auto since = c.term_sent_at ? c.term_sent_at : c.pipes_closed_at;
            if (!c.killed && now - *since >= timings.stop_grace) {
                if (!c.term_sent_at) {  // pipes closed, yet it lingers: asked to end first
                    signal_child(c, SIGTERM);
                    c.term_sent_at = now;
                } else {
                    signal_child(c, SIGKILL);
                    c.killed = true;
                }
            }
            if (try_reap(c)) on_reaped(now);
            return;
        }
        // Keyframes give up at half the timeout, so a first waiter still gets the all-frames frame.
        bool may_fall_back = c.decoding == LiveDecode::keyframes && !fell_back;
        auto first_frame_limit = may_fall_back ? request.timeout / 2 : request.timeout;
        if (!c.first_frame && now - c.started >= first_frame_limit) {
            std::string what = "no frame from " + mask_credentials(request.url) + " within " +
                               std::to_string(first_frame_limit.count()) + " ms";
            if (may_fall_back) {
                fell_back = true;  // running, yet no keyframe came: decode every frame instead
                fell_back_at = now;
                last_error = Error{ErrorKind::no_frame, what + " in keyframe mode; decoding every frame", ""};
                stop_child(StopReason::restart, now);
                return;
            }
            last_error = Error{ErrorKind::timeout, what, ""};
            down = true;
            fail_waiters(*last_error);
            stop_child(StopReason::first_frame_timeout, now);
            return;
        }
        // An intra-refresh camera sends a keyframe only when a client connects: in keyframe mode one
        // frame, then silence. No second one within the first-frame limit: decode every frame.
        auto second_keyframe_limit = std::max<milliseconds>(request.timeout, timings.stall_min);
        if (may_fall_back && c.first_frame && c.last_frame == c.first_frame &&
            now - *c.first_frame >= second_keyframe_limit) {
            fell_back = true;
            fell_back_at = now;
            last_error = Error{ErrorKind::no_frame,
                               "one keyframe from " + mask_credentials(request.url) + ", then none for " +
                                   std::to_string(second_keyframe_limit.count()) + " ms; decoding every frame",
                               ""};
            stop_child(StopReason::restart, now);
            return;
        }
        if (c.last_frame && now - *c.last_frame >= stall_timeout(frame_interval(c), timings)) {
            last_error = Error{ErrorKind::timeout, "the live stream from " + mask_credentials(request.url) +
                                                       " stalled: no frame for " +
                                                       std::to_string(ms_since(*c.last_frame, now).count()) + " ms", ""};
            down = true;
            fail_waiters(*last_error);
            stop_child(StopReason::stall, now);
            return;
        }
        if (c.first_frame && now - *c.first_frame >= timings.healthy_after) failures = 0;
        if (fell_back && now - fell_back_at >= timings.keyframes_retry)
            fell_back = false;  // the camera may give keyframes again: the restart below tries them
        if (!wanted(now)) {
            stop_child(StopReason::idle, now);
            state = LiveState::idle;
            return;
        }
        auto [decode, fps] = desired_decoding();
        if (!c.copied && (decode != c.decoding || (decode == LiveDecode::all && fps != c.fps)))
            stop_child(StopReason::restart, now);
    }

    std::optional<milliseconds> frame_interval(const LiveChild& c) const {
        if (c.decoding == LiveDecode::keyframes) return keyframe_interval;
        return milliseconds(static_cast<int64_t>(1000 / std::max(c.fps, 0.001)));
    }

    static void run(Ready& ready) {
        for (auto& [done, result] : ready) guarded([&] { done(std::move(result)); });
    }
};

LiveStream::LiveStream(boost::asio::io_context& io, std::string ffmpeg, GrabRequest request, LiveOptions options,
                       LiveTimings timings)
    : impl_(std::make_shared<Impl>(io, std::move(ffmpeg), std::move(request), options, timings)) {}

LiveStream::~LiveStream() { stop(); }

void LiveStream::stop() {
    std::shared_ptr<LiveChild> child;
    std::vector<Impl::Waiter> waiters;
    {
        std::lock_guard lock(impl_->mutex);
        impl_->closed = true;
        impl_->stop_child(Impl::StopReason::closing, Clock::now());  // SIGTERM now: the grace counts from here
        // Taken out of the stream: the io thread's handlers and the watchdog no longer touch it.
        child.swap(impl_->child);
        impl_->state = LiveState::idle;
        waiters = std::move(impl_->waiters);
        impl_->waiters.clear();
    }
    // Killed and reaped here, whether or not an io thread is left: no ffmpeg outlives its stream.
    // Without the lock: the io thread, which takes it for this stream's reads and ticks, serves the
    // other streams meanwhile. After close(), the grace counts from its SIGTERM.
    if (child) stop_and_reap_now(*child, child->term_sent_at.value_or(Clock::now()) + impl_->timings.stop_grace);
    std::string where = mask_credentials(impl_->request.url);
    for (auto& w : waiters) {
        boost::asio::post(impl_->io, [done = std::move(w.done), where] {
            guarded([&] { done(make_error(ErrorKind::cancelled, "the live stream from " + where + " was closed")); });
        });
    }
}

void LiveStream::close() {
    std::vector<Impl::Waiter> waiters;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->closed) return;
        impl_->closed = true;
        impl_->next_start.reset();
        impl_->state = LiveState::idle;
        waiters = std::move(impl_->waiters);
        impl_->waiters.clear();
        if (impl_->child) {
            impl_->stop_child(Impl::StopReason::closing, Clock::now());
            if (!impl_->child->term_sent_at) impl_->child->term_sent_at = Clock::now();
        }
    }
    std::string where = mask_credentials(impl_->request.url);
    for (auto& w : waiters) {
        boost::asio::post(impl_->io, [done = std::move(w.done), where] {
            guarded([&] { done(make_error(ErrorKind::cancelled, "the live stream from " + where + " was closed")); });
        });
    }
    // The watchdog reaps the child on the io thread (SIGKILL after the grace).
    boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_)] {
        if (auto self = weak.lock()) {
            std::lock_guard lock(self->mutex);
            guarded([&] { self->ensure_ticking(); });
        }
    });
}

std::shared_ptr<const LiveFrame> LiveStream::newest() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->newest;
}

LivePeek LiveStream::peek() const {
    std::lock_guard lock(impl_->mutex);
    const Impl& s = *impl_;
    LivePeek peek{s.newest, false, s.down ? s.last_error : std::nullopt};
    if (s.newest && s.state == LiveState::running && s.child && s.child->stop_reason == Impl::StopReason::none)
        peek.live = Clock::now() - s.newest->arrived < stall_timeout(s.frame_interval(*s.child), s.timings);
    return peek;
}

void LiveStream::touch() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->last_request = Clock::now();
        // A child runs and the watchdog ticks: nothing to start, so nothing is posted.
        if (impl_->child && impl_->ticking && impl_->child->stop_reason == Impl::StopReason::none) return;
    }
    start();
}

void LiveStream::start() {
    boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_)] {
        auto self = weak.lock();
        if (!self) return;
        Impl::Ready ready;
        {
            std::lock_guard lock(self->mutex);
            guarded([&] { self->ensure_running(Clock::now()); });
            ready = self->take_ready();
        }
        Impl::run(ready);
    });
}

void LiveStream::wait_frame(uint64_t after_sequence, milliseconds timeout, FrameCallback done) {
    auto deadline = Clock::now() + timeout;
    boost::asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), after_sequence, deadline,
                                  done = std::move(done)]() mutable {
        auto self = weak.lock();
        if (!self) {
            guarded([&] { done(make_error(ErrorKind::cancelled, "the live stream was closed")); });
            return;
        }
        Impl::Ready ready;
        {
            std::lock_guard lock(self->mutex);
            auto now = Clock::now();
            self->last_request = now;
            if (self->closed) {
                ready.emplace_back(std::move(done), make_error(ErrorKind::cancelled, "the live stream was closed"));
            } else if (self->newest && self->newest->sequence > after_sequence) {
                ready.emplace_back(std::move(done), self->newest);
            } else if (self->state == LiveState::backoff && self->last_error) {
                ready.emplace_back(std::move(done), std::unexpected(*self->last_error));  // known down: at once
            } else {
                self->waiters.push_back({after_sequence, deadline, std::move(done)});
                guarded([&] { self->ensure_running(now); });
            }
            ready = self->take_ready(std::move(ready));
        }
        Impl::run(ready);
    });
}

std::shared_ptr<void> LiveStream::add_viewer(double fps) {
    uint64_t id;
    {
        std::lock_guard lock(impl_->mutex);
        id = impl_->next_viewer_id++;
        impl_->viewers.push_back({id, std::max(0.0, fps)});
    }
    start();
    struct Lease {
        std::weak_ptr<Impl> impl;
        uint64_t id;
        ~Lease() {
            if (auto self = impl.lock()) {
                std::lock_guard lock(self->mutex);
                std::erase_if(self->viewers, [&](const Impl::Viewer& v) { return v.id == id; });
                self->last_request = Clock::now();  // idle counts from the last viewer's leaving
            }
        }
    };
    return std::make_shared<Lease>(impl_, id);  // built in place: a moved-from temporary's destructor would drop the viewer
}

LiveStatus LiveStream::status() const {
    LiveStatus status;
    pid_t running_pid = 0;
    {
        std::lock_guard lock(impl_->mutex);
        const Impl& s = *impl_;
        status.mode = s.options.mode;
        status.state = s.state;
        status.decoding = s.child ? s.child->decoding : s.desired_decoding().first;
        status.fell_back_to_all_frames = s.fell_back;
        status.frames = s.sequence;
        status.restarts = s.restarts;
        if (s.newest) status.last_frame_age = ms_since(s.newest->arrived, Clock::now());
        status.keyframe_interval = s.keyframe_interval;
        status.viewers = static_cast<int>(s.viewers.size());
        status.child_cpu_seconds = s.past_cpu_seconds;
        if (s.child && !s.child->reaped) running_pid = s.child->pid;
        status.last_error = s.last_error;
        status.stderr_tail.assign(s.stderr_lines.begin(), s.stderr_lines.end());
    }
    // /proc is read with no lock held: a scrape never stalls the io thread or a reader.
    if (running_pid > 0) status.child_cpu_seconds += process_cpu_seconds(running_pid);
    return status;
}

}  // namespace ptzgrab
