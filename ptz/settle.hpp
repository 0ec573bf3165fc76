#pragma once
// Deciding when a move has ended from a series of GetStatus answers, for move-then-snapshot.
#include <functional>

#include "core/error.hpp"
#include "ptz_client.hpp"
#include "ptz_types.hpp"

namespace ptzgrab::ptz {

/// Polls `read_status` every settle_poll. Settled: pan/tilt and zoom not MOVING (one of them IDLE)
/// with the position the same in two polls in a row; without MoveStatus, or stuck at MOVING, the
/// position the same in two polls once settle_time has passed. settle_timeout: settled=false.
Result<Settled> wait_for_settle(const std::function<Result<PtzStatus>()>& read_status, const ClientOptions& options);

bool same_position(const Axes& a, const Axes& b);

}  // namespace ptzgrab::ptz
