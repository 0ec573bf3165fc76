#pragma once
// How a source is watched: one-shot grabs, or one ffmpeg held open so the newest frame is in memory.
#include <chrono>
#include <optional>
#include <string_view>

namespace ptzgrab {

enum class LiveMode {
    off,        // a one-shot ffmpeg per refresh (local files by default)
    on_demand,  // started by the first request, stopped after `idle` with no request and no viewer
    always,     // started at boot, never idles out
};

enum class LiveDecode {
    keyframes,  // -skip_frame nokey: a frame per GOP for about 1.5% of a core at 720p25
    all,        // every frame, thinned to `fps`
};

struct LiveOptions {
    LiveMode mode = LiveMode::off;
    std::chrono::seconds idle{300};  // on_demand: stop after this long with no request and no viewer
    LiveDecode decode = LiveDecode::keyframes;
    double fps = 1;  // for LiveDecode::all, and for the fall-back when keyframes yield nothing

    bool operator==(const LiveOptions&) const = default;
};

std::string_view to_string(LiveMode mode);      // "off", "on_demand", "always"
std::string_view to_string(LiveDecode decode);  // "keyframes", "all"
std::optional<LiveMode> parse_live_mode(std::string_view text);
std::optional<LiveDecode> parse_live_decode(std::string_view text);

}  // namespace ptzgrab
