#include "move_math.hpp"

#include <algorithm>
#include <cmath>
#include "text_format.hpp"

namespace ptzgrab::ptz {
namespace {

constexpr Range generic_pan_tilt{-1, 1};
constexpr Range generic_zoom{0, 1};
constexpr Range unit_step{-1, 1};
constexpr double default_emulation_velocity = 0.5;

Result<void> check(const char* axis, std::optional<double> value, Range range) {
    if (!value) return {};
    if (!std::isfinite(*value) || *value < range.min - 1e-9 || *value > range.max + 1e-9)
        return make_error(ErrorKind::invalid_input,
                          format_text("{} {:g} is outside the camera's range [{:g}, {:g}]", axis, *value, range.min,
                                      range.max));
    return {};
}

double clamp_to(double value, const std::optional<Range>& range, Range fallback) {
    Range r = range.value_or(fallback);
    return std::clamp(value, r.min, r.max);
}

}  // namespace

Result<void> validate(const MoveCommand& command, const PtzInfo& info) {
    if (command.axes.empty()) return make_error(ErrorKind::invalid_input, "nothing to move: set pan, tilt or zoom");
    if (command.speed && (!std::isfinite(*command.speed) || *command.speed <= 0 || *command.speed > 1))
        return make_error(ErrorKind::invalid_input, format_text("speed {:g} is outside (0, 1]", *command.speed));
    const Axes& a = command.axes;
    switch (command.mode) {
    case MoveMode::continuous:
        if (command.duration <= std::chrono::milliseconds::zero())
            return make_error(ErrorKind::invalid_input, "a continuous move needs a positive duration");
        if (auto r = check("pan velocity", a.pan, unit_step); !r) return r;
        if (auto r = check("tilt velocity", a.tilt, unit_step); !r) return r;
        return check("zoom velocity", a.zoom, unit_step);
    case MoveMode::relative:
        if (auto r = check("pan step", a.pan, Range{-2, 2}); !r) return r;
        if (auto r = check("tilt step", a.tilt, Range{-2, 2}); !r) return r;
        return check("zoom step", a.zoom, unit_step);
    case MoveMode::absolute:
        if (auto r = check("pan", a.pan, info.pan_range.value_or(generic_pan_tilt)); !r) return r;
        if (auto r = check("tilt", a.tilt, info.tilt_range.value_or(generic_pan_tilt)); !r) return r;
        return check("zoom", a.zoom, info.zoom_range.value_or(generic_zoom));
    }
    return {};
}

std::optional<double> camera_speed(std::optional<double> fraction, const PtzInfo& info) {
    if (!fraction) return std::nullopt;
    double top = info.speed_range ? info.speed_range->max : 1.0;
    return *fraction * top;
}

EmulatedMove emulate_relative(const Axes& step, std::optional<double> speed, const ClientOptions& options) {
    double velocity = speed.value_or(default_emulation_velocity);
    double units_per_second = velocity * std::max(options.top_speed, 1e-6);
    double longest = std::max({std::abs(step.pan.value_or(0)), std::abs(step.tilt.value_or(0)),
                               std::abs(step.zoom.value_or(0))});
    double seconds = longest / units_per_second;
    EmulatedMove out;
    out.duration = std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
    // Each axis at the velocity that covers its own step in the same time.
    auto scaled = [&](std::optional<double> v) -> std::optional<double> {
        if (!v || longest == 0) return v ? std::optional<double>(0.0) : std::nullopt;
        return std::clamp(velocity * *v / longest, -1.0, 1.0);
    };
    out.velocity = Axes{scaled(step.pan), scaled(step.tilt), scaled(step.zoom)};
    return out;
}

Axes center_step(PictureOffset point, const Axes& position, const ClientOptions& options) {
    double shrink = 1 + options.view_zoom_factor * std::max(position.zoom.value_or(0), 0.0);
    return Axes{point.x * options.half_view_pan / shrink, -point.y * options.half_view_tilt / shrink, std::nullopt};
}

Axes center_target(PictureOffset point, const Axes& position, const PtzInfo& info, const ClientOptions& options) {
    Axes step = center_step(point, position, options);
    return Axes{clamp_to(position.pan.value_or(0) + *step.pan, info.pan_range, generic_pan_tilt),
                clamp_to(position.tilt.value_or(0) + *step.tilt, info.tilt_range, generic_pan_tilt), std::nullopt};
}

}  // namespace ptzgrab::ptz
