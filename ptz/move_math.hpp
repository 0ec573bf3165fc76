#pragma once
// The arithmetic behind moves, apart from SOAP: range checks, the duration of an emulated relative
// move, and the absolute target of a click-to-center without a FOV space.
#include <chrono>
#include <optional>

#include "core/error.hpp"
#include "ptz_client.hpp"
#include "ptz_types.hpp"

namespace ptzgrab::ptz {

/// invalid_input naming the axis and its range, for a command the camera's ranges refuse.
Result<void> validate(const MoveCommand& command, const PtzInfo& info);

/// The speed to send in the camera's speed space: `fraction` of the top of PanTiltSpeedSpace.
std::optional<double> camera_speed(std::optional<double> fraction, const PtzInfo& info);

/// A relative move emulated with ContinuousMove: velocities, and how long until Stop. Approximate:
/// the time is |step| / (velocity * options.top_speed) for the longest axis, all axes arriving together.
struct EmulatedMove {
    Axes velocity;
    std::chrono::milliseconds duration{0};
};
EmulatedMove emulate_relative(const Axes& step, std::optional<double> speed, const ClientOptions& options);

/// The absolute pan/tilt that brings `point` to the picture's center from `position`, with the
/// approximate view size of ClientOptions; clamped to the camera's ranges.
Axes center_target(PictureOffset point, const Axes& position, const PtzInfo& info, const ClientOptions& options);

/// The same, as a relative pan/tilt step.
Axes center_step(PictureOffset point, const Axes& position, const ClientOptions& options);

}  // namespace ptzgrab::ptz
