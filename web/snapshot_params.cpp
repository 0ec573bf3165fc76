#include "snapshot_params.hpp"

#include <charconv>

namespace ptzgrab::web {
namespace {

// An integer in [low, high], or an error naming the parameter.
Result<std::optional<int>> int_param(const Target& target, const char* key, int low, int high) {
    const std::string* text = target.find(key);
    if (!text) return std::optional<int>{};
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || text->empty())
        return make_error(ErrorKind::invalid_input, std::string(key) + " must be an integer");
    if (value < low || value > high)
        return make_error(ErrorKind::invalid_input, std::string(key) + " must be between " + std::to_string(low) +
                                                        " and " + std::to_string(high));
    return std::optional<int>{value};
}

Result<std::optional<bool>> flag_param(const Target& target, const char* key) {
    const std::string* text = target.find(key);
    if (!text) return std::optional<bool>{};
    auto value = parse_flag(*text);
    if (!value) return make_error(ErrorKind::invalid_input, std::string(key) + " must be 0 or 1");
    return value;
}

}  // namespace

std::optional<bool> parse_flag(const std::string& text) {
    if (text == "1" || text == "true" || text == "yes") return true;
    if (text == "0" || text == "false" || text == "no") return false;
    return std::nullopt;
}

RenderOptions SnapshotParams::apply_to(RenderOptions base) const {
    if (width || height) {  // one side alone keeps the aspect ratio
        base.width = width.value_or(0);
        base.height = height.value_or(0);
    }
    if (quality) base.quality = *quality;
    if (timestamp) base.timestamp = *timestamp;
    return base;
}

Result<SnapshotParams> parse_snapshot_params(const Target& target) {
    SnapshotParams p;
    if (const std::string* s = target.find("source")) {
        if (s->empty()) return make_error(ErrorKind::invalid_input, "source must not be empty");
        p.source = *s;
    }
    if (const std::string* u = target.find("url")) p.url = *u;
    auto force = flag_param(target, "force_refresh");
    auto stamp = flag_param(target, "timestamp");
    auto width = int_param(target, "width", min_frame_side_px, max_render_side_px);
    auto height = int_param(target, "height", min_frame_side_px, max_render_side_px);
    auto quality = int_param(target, "quality", 1, 100);
    auto max_age = int_param(target, "max_age_ms", 0, max_max_age_ms);
    for (const Error* e : {force ? nullptr : &force.error(), stamp ? nullptr : &stamp.error(),
                           max_age ? nullptr : &max_age.error(),
                           width ? nullptr : &width.error(), height ? nullptr : &height.error(),
                           quality ? nullptr : &quality.error()})
        if (e) return std::unexpected(*e);
    p.force_refresh = force->value_or(false);
    p.timestamp = *stamp;
    p.width = *width;
    p.height = *height;
    p.quality = *quality;
    if (*max_age) p.max_age = std::chrono::milliseconds(**max_age);
    return p;
}

}  // namespace ptzgrab::web
