#include "ptz_params.hpp"

#include <charconv>
#include <cmath>

namespace ptzgrab::web {
namespace {

struct Bounds {
    double low, high;
    bool low_open = false;  // (low, high] instead of [low, high]
};

std::string describe(const Bounds& b) {
    auto number = [](double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (s.ends_with('.')) s.pop_back();
        return s;
    };
    return std::string(b.low_open ? "(" : "[") + number(b.low) + ", " + number(b.high) + "]";
}

// A plain decimal number within `bounds`, or an error naming the parameter ("1e3", "inf", " 1" refused).
Result<std::optional<double>> number_param(const Target& target, const char* key, Bounds bounds) {
    const std::string* text = target.find(key);
    if (!text) return std::optional<double>{};
    double value = 0;
    const char* end = text->data() + text->size();
    auto [stop, ec] = std::from_chars(text->data(), end, value, std::chars_format::fixed);
    if (text->empty() || ec != std::errc{} || stop != end || !std::isfinite(value))
        return make_error(ErrorKind::invalid_input, std::string(key) + " must be a decimal number");
    bool below = bounds.low_open ? value <= bounds.low : value < bounds.low;
    if (below || value > bounds.high)
        return make_error(ErrorKind::invalid_input, std::string(key) + " must be in " + describe(bounds));
    return std::optional<double>{value};
}

Result<ptz::PictureOffset> center_point(const Target& target) {
    auto x = number_param(target, "x", {-1, 1});
    if (!x) return std::unexpected(x.error());
    auto y = number_param(target, "y", {-1, 1});
    if (!y) return std::unexpected(y.error());
    if (!*x || !*y) return make_error(ErrorKind::invalid_input, "mode=center needs x and y");
    if (target.find("pan") || target.find("tilt") || target.find("zoom"))
        return make_error(ErrorKind::invalid_input, "mode=center takes x and y, not pan, tilt or zoom");
    return ptz::PictureOffset{**x, **y};
}

Result<ptz::MoveCommand> move_command(const Target& target, ptz::MoveMode mode) {
    ptz::MoveCommand command;
    command.mode = mode;
    Bounds zoom_bounds = mode == ptz::MoveMode::absolute ? Bounds{0, 1} : Bounds{-1, 1};
    auto pan = number_param(target, "pan", {-1, 1});
    auto tilt = number_param(target, "tilt", {-1, 1});
    auto zoom = number_param(target, "zoom", zoom_bounds);
    auto speed = parse_ptz_speed(target);
    auto duration = number_param(target, "duration", {0, 60, true});
    for (const Error* e : {pan ? nullptr : &pan.error(), tilt ? nullptr : &tilt.error(),
                           zoom ? nullptr : &zoom.error(), speed ? nullptr : &speed.error(),
                           duration ? nullptr : &duration.error()})
        if (e) return std::unexpected(*e);
    if (target.find("x") || target.find("y"))
        return make_error(ErrorKind::invalid_input, "x and y go with mode=center");
    command.axes = {*pan, *tilt, *zoom};
    if (command.axes.empty()) return make_error(ErrorKind::invalid_input, "pan, tilt or zoom is required");
    command.speed = *speed;
    if (*duration) {
        if (mode != ptz::MoveMode::continuous)
            return make_error(ErrorKind::invalid_input, "duration goes with mode=continuous");
        command.duration = std::chrono::milliseconds(std::lround(**duration * 1000));
        if (command.duration.count() == 0) command.duration = std::chrono::milliseconds(1);
    }
    return command;
}

}  // namespace

Result<std::optional<double>> parse_ptz_speed(const Target& target) {
    return number_param(target, "speed", {0, 1, true});
}

Result<PtzMoveParams> parse_ptz_move(const Target& target) {
    const std::string* mode_text = target.find("mode");
    std::string mode = mode_text ? *mode_text : "continuous";
    PtzMoveParams params;
    if (mode == "center") {
        auto point = center_point(target);
        if (!point) return std::unexpected(point.error());
        params.center = *point;
        return params;
    }
    auto parsed = ptz::parse_move_mode(mode);
    if (!parsed) return make_error(ErrorKind::invalid_input, "mode must be continuous, relative, absolute or center");
    auto command = move_command(target, *parsed);
    if (!command) return std::unexpected(command.error());
    params.move = *command;
    return params;
}

Result<std::string> required_text(const Target& target, const char* key) {
    const std::string* text = target.find(key);
    if (!text || text->empty()) return make_error(ErrorKind::invalid_input, std::string(key) + " is required");
    if (text->size() > 256) return make_error(ErrorKind::invalid_input, std::string(key) + " is longer than 256 bytes");
    return *text;
}

Result<bool> wants_snapshot(const Target& target) {
    const std::string* then = target.find("then");
    if (!then) return false;
    if (*then == "snapshot") return true;
    return make_error(ErrorKind::invalid_input, "then takes only snapshot");
}

}  // namespace ptzgrab::web
