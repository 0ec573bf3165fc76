#pragma once
// The query parameters of the /ptz/ routes, checked strictly: a bad value is a one-line reason for a 400.
#include <optional>
#include <string>

#include "core/error.hpp"
#include "ptz/ptz_types.hpp"
#include "query.hpp"

namespace ptzgrab::web {

/// POST /ptz/move: a move, or with mode=center a point of the picture to center on.
struct PtzMoveParams {
    std::optional<ptz::MoveCommand> move;     // mode continuous, relative or absolute
    std::optional<ptz::PictureOffset> center;  // mode=center: x, y in [-1, 1], x right, y down
};

/// mode= (default continuous); pan, tilt in [-1, 1], zoom in [-1, 1] ([0, 1] when absolute);
/// speed in (0, 1]; duration in seconds (0, 60]. At least one axis, or x and y for mode=center.
Result<PtzMoveParams> parse_ptz_move(const Target& target);

/// speed= for goto and home: nullopt when absent; (0, 1].
Result<std::optional<double>> parse_ptz_speed(const Target& target);

/// A required, non-empty text parameter (preset=, name=), at most 256 bytes.
Result<std::string> required_text(const Target& target, const char* key);

/// then=snapshot: true; absent: false; anything else is an error.
Result<bool> wants_snapshot(const Target& target);

}  // namespace ptzgrab::web
