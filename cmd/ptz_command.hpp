#pragma once
// `ptzgrab ptz`: steer a camera over ONVIF from a shell (move, zoom, presets, home), and grab the
// picture once it has stopped moving.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "snapshot_command.hpp"

namespace ptzgrab::cli {

struct PtzOptions {
    // The camera: --onvif URL (with --user/--password), or a config file's source.
    std::string onvif, user, password, config, source, profile;
    double timeout_s = 5;  // each ONVIF call
    bool json = false;
    // The action: the name of the sub-command given (info, status, move, goto, ...) and its arguments.
    std::string action;
    std::optional<double> pan, tilt, zoom, speed;
    std::string mode = "continuous";
    double duration_s = 1;
    std::string preset;  // goto and remove-preset: a token or a name; set-preset: the new name
    double x = 0, y = 0;  // center: a point of the picture, [-1, 1] from its center, y down
    // Move-then-snapshot (move, goto, home, center): `snapshot` is the output file; `shot` the grab.
    std::string snapshot;
    double settle_timeout_s = 30;
    SnapshotOptions shot;  // url (empty: the source's, else the camera's GetStreamUri), timeout, quality, ...
};

CLI::App* setup_ptz(CLI::App& app, PtzOptions& options);
int run_ptz(const PtzOptions& options);

}  // namespace ptzgrab::cli
