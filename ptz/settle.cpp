#include "settle.hpp"

#include <cmath>
#include <thread>

namespace ptzgrab::ptz {
namespace {

constexpr double position_tolerance = 1e-4;  // generic units; cameras round positions

bool same_axis(std::optional<double> a, std::optional<double> b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || std::abs(*a - *b) <= position_tolerance;
}

}  // namespace

bool same_position(const Axes& a, const Axes& b) {
    return same_axis(a.pan, b.pan) && same_axis(a.tilt, b.tilt) && same_axis(a.zoom, b.zoom);
}

Result<Settled> wait_for_settle(const std::function<Result<PtzStatus>()>& read_status, const ClientOptions& options) {
    using namespace std::chrono;
    auto started = steady_clock::now();
    milliseconds slept_by_hook{0};
    auto waited = [&] { return duration_cast<milliseconds>(steady_clock::now() - started) + slept_by_hook; };
    std::optional<Axes> previous;
    Settled out;
    for (;;) {
        auto status = read_status();
        if (!status) return std::unexpected(status.error());
        bool steady = previous && same_position(*previous, status->position);
        previous = status->position;
        out.last = *status;
        out.waited = waited();
        bool reported = status->pan_tilt != MoveState::unknown || status->zoom != MoveState::unknown;
        bool moving = status->pan_tilt == MoveState::moving || status->zoom == MoveState::moving;
        bool late = out.waited >= options.settle_time;
        if (steady && reported && !moving) {
            out.settled = true;
            out.how = "idle";
            return out;
        }
        if (steady && late) {
            out.settled = true;
            out.how = reported ? "position steady (MoveStatus stuck)" : "settle time (no MoveStatus)";
            return out;
        }
        if (out.waited >= options.settle_timeout) {
            out.settled = false;
            out.how = "timeout: still moving";
            return out;
        }
        if (options.sleep) {
            options.sleep(options.settle_poll);
            slept_by_hook += options.settle_poll;
        } else {
            std::this_thread::sleep_for(options.settle_poll);
        }
    }
}

}  // namespace ptzgrab::ptz
