#include "ptz_types.hpp"

namespace ptzgrab::ptz {

std::string_view to_string(MoveMode mode) {
    switch (mode) {
    case MoveMode::continuous: return "continuous";
    case MoveMode::relative: return "relative";
    case MoveMode::absolute: return "absolute";
    }
    return "continuous";
}

std::optional<MoveMode> parse_move_mode(std::string_view text) {
    for (MoveMode mode : {MoveMode::continuous, MoveMode::relative, MoveMode::absolute})
        if (text == to_string(mode)) return mode;
    return std::nullopt;
}

std::string_view to_string(MoveState state) {
    switch (state) {
    case MoveState::idle: return "idle";
    case MoveState::moving: return "moving";
    case MoveState::unknown: return "unknown";
    }
    return "unknown";
}

}  // namespace ptzgrab::ptz
