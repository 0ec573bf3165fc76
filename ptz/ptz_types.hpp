#pragma once
// The values a PTZ camera is steered with and answers with, free of SOAP and HTTP, so the CLI,
// the routes and the page share one vocabulary.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ptzgrab::ptz {

/// Where to and how far, in the camera's generic spaces: pan and tilt in [-1, 1], zoom in [0, 1]
/// (absolute), or a signed step (relative), or a signed velocity (continuous). Unset axes are not sent.
struct Axes {
    std::optional<double> pan, tilt, zoom;
    bool empty() const { return !pan && !tilt && !zoom; }
};

enum class MoveMode { continuous, relative, absolute };
std::string_view to_string(MoveMode mode);
std::optional<MoveMode> parse_move_mode(std::string_view text);

struct MoveCommand {
    MoveMode mode = MoveMode::continuous;
    Axes axes;
    std::optional<double> speed;  // (0, 1], a fraction of the camera's top speed; unset: the camera's default
    /// continuous: how long before the camera stops by itself (the ContinuousMove Timeout, a dead-man stop).
    std::chrono::milliseconds duration{1000};
};

/// Click to center: a point of the picture, x right and y down, each in [-1, 1] from its center.
struct PictureOffset {
    double x = 0, y = 0;
};

enum class MoveState { idle, moving, unknown };  // unknown: the camera does not report it
std::string_view to_string(MoveState state);

struct PtzStatus {
    Axes position;                            // absent axes: the camera did not report them
    MoveState pan_tilt = MoveState::unknown;
    MoveState zoom = MoveState::unknown;
    std::string error;                        // the camera's own error text, if any
};

/// Keyed by token; unnamed presets are shown as "preset <token>", never merged by name.
struct Preset {
    std::string token;
    std::string name;      // may be empty
    Axes position;         // when the camera reports it
    std::string label() const { return name.empty() ? "preset " + token : name; }
};

struct Range {
    double min = 0, max = 0;
};

/// What discovery learned: who the camera is, which profile is steered, and what it can do.
struct PtzInfo {
    std::string manufacturer, model, firmware, serial;
    std::string profile_token, profile_name;
    std::string ptz_service_url;              // where PTZ calls go (from GetServices/GetCapabilities)
    std::chrono::seconds clock_offset{0};     // camera clock minus ours, used when signing
    bool continuous = false, relative = false, absolute = false;
    bool relative_fov = false;                // a TranslationSpaceFov: click-to-center in picture units
    bool home = false, presets = false;
    int max_presets = 0;
    std::optional<Range> pan_range, tilt_range, zoom_range;  // absolute generic spaces
    std::optional<Range> speed_range;         // pan/tilt speed space
};

/// The result of waiting for a move to end (move-then-snapshot).
struct Settled {
    bool settled = false;                     // false: the deadline passed first; the frame may show motion
    std::string how;                          // "idle" | "position steady (MoveStatus stuck)" | "settle time (no MoveStatus)" | ...
    std::chrono::milliseconds waited{0};
    PtzStatus last;                           // the last status read
};

}  // namespace ptzgrab::ptz
