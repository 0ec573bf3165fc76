#include "live_options.hpp"

namespace ptzgrab {

std::string_view to_string(LiveMode mode) {
    switch (mode) {
    case LiveMode::off: return "off";
    case LiveMode::on_demand: return "on_demand";
    case LiveMode::always: return "always";
    }
    return "off";
}

std::string_view to_string(LiveDecode decode) {
    switch (decode) {
    case LiveDecode::keyframes: return "keyframes";
    case LiveDecode::all: return "all";
    }
    return "keyframes";
}

std::optional<LiveMode> parse_live_mode(std::string_view text) {
    for (LiveMode mode : {LiveMode::off, LiveMode::on_demand, LiveMode::always})
        if (text == to_string(mode)) return mode;
    return std::nullopt;
}

std::optional<LiveDecode> parse_live_decode(std::string_view text) {
    for (LiveDecode decode : {LiveDecode::keyframes, LiveDecode::all})
        if (text == to_string(decode)) return decode;
    return std::nullopt;
}

}  // namespace ptzgrab
