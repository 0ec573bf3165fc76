#include "live_renders.hpp"

#include <cstdio>
#include <map>
#include <mutex>
#include <vector>

namespace ptzgrab {
namespace {

// Decode with the arrival time as the grab time, then stamp and encode with the source's defaults.
Result<Snapshot> render_live_frame(const LiveFrame& live, const RenderOptions& options) {
    try {
        Result<Frame> frame = decode_frame(*live.jpeg, live.arrived_wall);
        if (!frame) return std::unexpected(frame.error());
        auto jpeg = render_jpeg(*frame, options);
        if (!jpeg) return std::unexpected(jpeg.error());
        Snapshot s;
        s.frame = std::move(*frame);
        s.jpeg = std::make_shared<const std::vector<uint8_t>>(std::move(*jpeg));
        s.live = true;
        s.sequence = live.sequence;
        return s;
    } catch (const std::exception& e) {
        return make_error(ErrorKind::bad_image, "the live frame could not be rendered", e.what());
    } catch (...) {
        return make_error(ErrorKind::bad_image, "the live frame could not be rendered");
    }
}

template <class F>
void call_guarded(F&& callback) noexcept {
    try {
        callback();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ptzgrab: a caller of a live render threw: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "ptzgrab: a caller of a live render threw\n");
    }
}

}  // namespace

struct LiveRenders::State {
    const RenderOptions options;
    const Rendered rendered;
    mutable std::mutex mutex;
    // mutex protects the following state.
    std::optional<Snapshot> newest;                         // the newest frame rendered
    std::map<uint64_t, std::vector<Callback>> in_progress;  // frames queued or rendering, and who waits
    std::optional<std::pair<uint64_t, Error>> newest_failure;  // a frame that cannot be rendered is tried once

    // Runs on the lane.
    void run(const std::shared_ptr<const LiveFrame>& frame) {
        Result<Snapshot> result = render_live_frame(*frame, options);
        std::vector<Callback> waiters;
        {
            std::lock_guard lock(mutex);
            waiters = std::move(in_progress[frame->sequence]);
            in_progress.erase(frame->sequence);
            if (result && (!newest || newest->sequence < result->sequence)) newest = *result;
            if (!result && (!newest_failure || newest_failure->first < frame->sequence))
                newest_failure.emplace(frame->sequence, result.error());
        }
        for (Callback& done : waiters) call_guarded([&] { done(result); });
        if (result && rendered) call_guarded([&] { rendered(*result); });
    }
};

LiveRenders::LiveRenders(SourceLane& lane, RenderOptions options, Rendered rendered)
    : lane_(lane), state_(std::make_shared<State>(std::move(options), std::move(rendered))) {}

void LiveRenders::render(std::shared_ptr<const LiveFrame> frame, Callback done) {
    std::optional<Result<Snapshot>> ready;
    {
        std::lock_guard lock(state_->mutex);
        if (state_->newest && state_->newest->sequence == frame->sequence) {
            ready = *state_->newest;
        } else if (state_->newest_failure && state_->newest_failure->first == frame->sequence) {
            ready = std::unexpected(state_->newest_failure->second);
        } else {
            auto [waiting, first] = state_->in_progress.try_emplace(frame->sequence);
            waiting->second.push_back(std::move(done));
            if (!first || lane_.post([state = state_, frame] { state->run(frame); })) return;
            done = std::move(waiting->second.back());  // the lane is joined: its owner tears down
            state_->in_progress.erase(waiting);
        }
    }
    if (!ready) return done(make_error(ErrorKind::cancelled, "the server is shutting down"));
    done(std::move(*ready));
}

size_t LiveRenders::bytes_held() const {
    std::lock_guard lock(state_->mutex);
    if (!state_->newest) return 0;
    const Snapshot& s = *state_->newest;
    return static_cast<size_t>(s.frame.width) * s.frame.height * 3 + (s.jpeg ? s.jpeg->size() : 0);
}

void LiveRenders::clear() {
    std::lock_guard lock(state_->mutex);
    state_->newest.reset();
    state_->newest_failure.reset();
}

}  // namespace ptzgrab
