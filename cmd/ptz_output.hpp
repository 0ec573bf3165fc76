#pragma once
// What `ptzgrab ptz` prints: a layout for people and one JSON object for scripts, from the same values.
// Nothing here is given a password: the camera is shown as ptz::describe() masks it.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ptz/ptz_types.hpp"

namespace ptzgrab::cli {

/// A frame written after a move (--snapshot).
struct ShotWritten {
    std::string path;
    int width = 0, height = 0;
    size_t bytes = 0;
    std::string source;           // the stream's URL, masked
    double seconds_after_settle = 0;  // when the grab ended, counted from the moment the camera settled
};

/// A command that changed something: what was done, its values, and the settle and frame of --snapshot.
struct ActionReport {
    std::string action;            // "move", "goto", ...
    std::string text;              // one line for people: "went to preset Gate"
    boost::json::object fields;    // the same for scripts
    std::optional<ptz::Settled> settled;
    std::optional<ShotWritten> shot;
};

void print_info(const ptz::PtzInfo& info, const std::string& camera, bool json);
void print_status(const ptz::PtzStatus& status, bool json);
void print_presets(const std::vector<ptz::Preset>& presets, bool json);
void print_action(const ActionReport& report, bool json);

/// "pan 0.50 tilt -0.20 zoom 0.00" (the axes that are set).
std::string axes_text(const ptz::Axes& axes);
boost::json::object axes_json(const ptz::Axes& axes);
/// "0.5", "-0.25", "2": a number as a person writes it.
std::string number_text(double value);

}  // namespace ptzgrab::cli
