#include "ptz_output.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "core/json_text.hpp"

namespace ptzgrab::cli {
namespace {

namespace json = boost::json;

std::string fixed(double value, int decimals = 2) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string range_text(const char* name, const std::optional<ptz::Range>& range) {
    if (!range) return {};
    return std::string(name) + " " + fixed(range->min) + ".." + fixed(range->max);
}

json::value range_json(const std::optional<ptz::Range>& range) {
    if (!range) return nullptr;
    return json::object{{"min", range->min}, {"max", range->max}};
}

std::string moves_text(const ptz::PtzInfo& info) {
    std::string moves;
    auto add = [&moves](bool has, const char* name) {
        if (has) moves += (moves.empty() ? "" : ", ") + std::string(name);
    };
    add(info.continuous, "continuous");
    add(info.relative, info.relative_fov ? "relative (with a field-of-view space: click to center)" : "relative");
    add(info.absolute, "absolute");
    return moves.empty() ? "none" : moves;
}

std::string joined(std::initializer_list<std::string> parts) {
    std::string out;
    for (const std::string& part : parts)
        if (!part.empty()) out += (out.empty() ? "" : ", ") + part;
    return out.empty() ? "not reported" : out;
}

json::object status_json(const ptz::PtzStatus& status) {
    return {{"position", axes_json(status.position)},
            {"pan_tilt", to_string(status.pan_tilt)},
            {"zoom", to_string(status.zoom)},
            {"error", status.error}};
}

json::object settled_json(const ptz::Settled& settled) {
    return {{"settled", settled.settled}, {"how", settled.how}, {"waited_ms", settled.waited.count()},
            {"status", status_json(settled.last)}};
}

}  // namespace

std::string number_text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

std::string axes_text(const ptz::Axes& axes) {
    std::string out;
    for (auto [name, value] : {std::pair{"pan", axes.pan}, {"tilt", axes.tilt}, {"zoom", axes.zoom}})
        if (value) out += (out.empty() ? "" : " ") + std::string(name) + " " + fixed(*value, 3);
    return out.empty() ? "not reported" : out;
}

json::object axes_json(const ptz::Axes& axes) {
    json::object out;
    if (axes.pan) out["pan"] = *axes.pan;
    if (axes.tilt) out["tilt"] = *axes.tilt;
    if (axes.zoom) out["zoom"] = *axes.zoom;
    return out;
}

void print_info(const ptz::PtzInfo& info, const std::string& camera, bool as_json) {
    if (as_json) {
        json::object out{
            {"camera", camera},
            {"device", {{"manufacturer", info.manufacturer}, {"model", info.model}, {"firmware", info.firmware},
                        {"serial", info.serial}}},
            {"profile", {{"token", info.profile_token}, {"name", info.profile_name}}},
            {"ptz_service_url", info.ptz_service_url},
            {"clock_offset_s", info.clock_offset.count()},
            {"capabilities", {{"continuous", info.continuous}, {"relative", info.relative},
                              {"relative_fov", info.relative_fov}, {"absolute", info.absolute},
                              {"home", info.home}, {"presets", info.presets}, {"max_presets", info.max_presets}}},
            {"ranges", {{"pan", range_json(info.pan_range)}, {"tilt", range_json(info.tilt_range)},
                        {"zoom", range_json(info.zoom_range)}, {"speed", range_json(info.speed_range)}}},
        };
        std::cout << json_text(out) << "\n";
        return;
    }
    std::cout << "camera    " << camera << "\n"
              << "device    " << joined({info.manufacturer, info.model, info.firmware.empty() ? "" : "firmware " + info.firmware,
                                        info.serial.empty() ? "" : "serial " + info.serial}) << "\n"
              << "profile   " << info.profile_token << (info.profile_name.empty() ? "" : " (" + info.profile_name + ")") << "\n"
              << "ptz at    " << info.ptz_service_url << "\n"
              << "clock     camera " << (info.clock_offset.count() >= 0 ? "+" : "") << info.clock_offset.count()
              << " s from ours (requests are signed with its clock)\n"
              << "moves     " << moves_text(info) << "\n"
              << "presets   " << (info.presets ? "yes" : "no")
              << (info.max_presets > 0 ? " (up to " + std::to_string(info.max_presets) + ")" : "") << "\n"
              << "home      " << (info.home ? "yes" : "no") << "\n"
              << "ranges    " << joined({range_text("pan", info.pan_range), range_text("tilt", info.tilt_range),
                                         range_text("zoom", info.zoom_range), range_text("speed", info.speed_range)})
              << "\n";
}

void print_status(const ptz::PtzStatus& status, bool as_json) {
    if (as_json) {
        std::cout << json_text(status_json(status)) << "\n";
        return;
    }
    std::cout << "position  " << axes_text(status.position) << "\n"
              << "moving    pan/tilt " << to_string(status.pan_tilt) << ", zoom " << to_string(status.zoom) << "\n";
    if (!status.error.empty()) std::cout << "error     " << status.error << "\n";
}

void print_presets(const std::vector<ptz::Preset>& presets, bool as_json) {
    if (as_json) {
        json::array out;
        for (const ptz::Preset& p : presets)
            out.push_back(json::object{{"token", p.token}, {"name", p.name}, {"label", p.label()},
                                       {"position", axes_json(p.position)}});
        std::cout << json_text(out) << "\n";
        return;
    }
    if (presets.empty()) std::cout << "no presets\n";
    size_t width = 5;
    for (const ptz::Preset& p : presets) width = std::max(width, p.token.size());
    for (const ptz::Preset& p : presets) {
        std::string line = p.token + std::string(width + 2 - p.token.size(), ' ') + p.label();
        if (!p.position.empty()) line += "  (" + axes_text(p.position) + ")";
        std::cout << line << "\n";
    }
}

void print_action(const ActionReport& report, bool as_json) {
    if (as_json) {
        json::object out = report.fields;
        out["action"] = report.action;
        if (report.settled) out["settled"] = settled_json(*report.settled);
        if (report.shot)
            out["snapshot"] = json::object{{"path", report.shot->path}, {"width", report.shot->width},
                                           {"height", report.shot->height}, {"bytes", report.shot->bytes},
                                           {"source", report.shot->source},
                                           {"seconds_after_settle", report.shot->seconds_after_settle}};
        std::cout << json_text(out) << "\n";
        return;
    }
    std::cout << report.text << "\n";
    if (report.settled) {
        const ptz::Settled& s = *report.settled;
        std::cout << (s.settled ? "settled   " : "NOT SETTLED ") << s.how << " after " << fixed(s.waited.count() / 1000.0)
                  << " s, at " << axes_text(s.last.position) << "\n";
    }
    if (report.shot)
        std::cout << "snapshot  " << report.shot->path << ": " << report.shot->width << "x" << report.shot->height << ", "
                  << report.shot->bytes << " bytes, from " << report.shot->source << ", grabbed "
                  << fixed(report.shot->seconds_after_settle) << " s after the camera settled\n";
}

}  // namespace ptzgrab::cli
