#pragma once
// Deciding when a move has ended from a series of GetStatus answers, for move-then-snapshot.
#include <functional>

#include "core/error.hpp"
#include "ptz_client.hpp"
#include "ptz_types.hpp"

namespace ptzgrab::ptz {

/// What the client knew when it sent the move: the status just before it, and the target of an
/// absolute, preset or home move where known. Both may be empty (then only MOVING or time tells).
struct MoveStart {
    std::optional<PtzStatus> before;
    std::optional<Axes> target;  // only the axes the camera was sent (or the preset's reported position)
};

/// Polls `read_status` every settle_poll. Many cameras answer IDLE at the old position for a while
/// after the command, so IDLE counts only once the move has begun: MOVING seen, the position away
/// from `start.before`, at `start.target`, or settle_time passed (always the case for a camera that
/// reports no Position). Settled: pan/tilt and zoom not MOVING (one of them IDLE) with the position
/// the same in two polls in a row; without MoveStatus, or stuck at MOVING, the position the same in
/// two polls once settle_time has passed. settle_timeout: settled=false.
Result<Settled> wait_for_settle(const std::function<Result<PtzStatus>()>& read_status, const ClientOptions& options,
                                const MoveStart& start);

bool same_position(const Axes& a, const Axes& b);

}  // namespace ptzgrab::ptz
