#include "settle.hpp"

#include <cmath>
#include <thread>

namespace ptzgrab::ptz {
namespace {

constexpr double position_tolerance = 1e-4;  // generic units; cameras round positions
constexpr double target_tolerance = 1e-2;    // generic units; a camera may stop a little short of a target

bool has_position(const Axes& a) { return !a.empty(); }

// Every axis the target sets is reported, and near it.
bool at_target(const Axes& position, const Axes& target) {
    if (target.empty()) return false;
    auto near = [](std::optional<double> at, std::optional<double> want) {
        return !want || (at && std::abs(*at - *want) <= target_tolerance);
    };
    return near(position.pan, target.pan) && near(position.tilt, target.tilt) && near(position.zoom, target.zoom);
}

// The move has visibly begun (or ended): the position left its start, or reached the target.
bool moved_from(const Axes& position, const MoveStart& start) {
    if (!has_position(position)) return false;
    if (start.before && has_position(start.before->position) && !same_position(start.before->position, position))
        return true;
    return start.target && at_target(position, *start.target);
}

bool same_axis(std::optional<double> a, std::optional<double> b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || std::abs(*a - *b) <= position_tolerance;
}

}  // namespace

bool same_position(const Axes& a, const Axes& b) {
    return same_axis(a.pan, b.pan) && same_axis(a.tilt, b.tilt) && same_axis(a.zoom, b.zoom);
}

Result<Settled> wait_for_settle(const std::function<Result<PtzStatus>()>& read_status, const ClientOptions& options,
                                const MoveStart& start) {
    using namespace std::chrono;
    auto started = steady_clock::now();
    milliseconds slept_by_hook{0};
    auto waited = [&] { return duration_cast<milliseconds>(steady_clock::now() - started) + slept_by_hook; };
    std::optional<Axes> previous;
    bool begun = false;  // MOVING seen, or the position left its start or reached the target
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
        bool positioned = has_position(status->position);
        // Without a Position, neither "left the start" nor "steady" means anything: only time does.
        begun = begun || (positioned && (moving || moved_from(status->position, start)));
        if (steady && reported && !moving && (begun || late)) {
            out.settled = true;
            out.how = "idle";
            return out;
        }
        if (steady && late) {
            out.settled = true;
            out.how = !reported    ? "settle time (no MoveStatus)"
                      : positioned ? "position steady (MoveStatus stuck)"
                                   : "settle time (no Position)";
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
