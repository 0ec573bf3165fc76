#include "ptz_command.hpp"

#include "exit_codes.hpp"

namespace ptzgrab::cli {
namespace {

constexpr const char* ptz_examples =
    "\nExamples:\n"
    "  ptzgrab ptz --onvif http://192.168.1.20/onvif/device_service --user admin status\n"
    "      (the password from --password, the URL's userinfo, or $PTZGRAB_ONVIF_PASSWORD; prefer the\n"
    "      variable or --config: `ps` and the shell's history show --password)\n"
    "  ptzgrab ptz --config cameras.json --source gate presets --json\n"
    "  ptzgrab ptz --config cameras.json --source gate move --mode absolute --pan 0.5 --zoom 0.2 --snapshot after.jpg\n"
    "  ptzgrab ptz --config cameras.json --source gate move --pan -0.3 --duration 0.5   # continuous, 0.5 s\n"
    "  ptzgrab ptz --config cameras.json --source gate set-preset Driveway\n"
    "  ptzgrab ptz --config cameras.json --source gate goto Driveway --snapshot 'drive-%Y%m%d-%H%M%S.jpg'\n"
    "  ptzgrab ptz --config cameras.json --source gate home\n"
    "Options of ptz (--onvif, --config, --json, --timeout, ...) may also follow the action.\n\n";

// Options every action takes after its name, because CLI11 passes them up (fallthrough).
CLI::App* add_action(CLI::App& ptz, PtzOptions& o, const std::string& name, const std::string& help) {
    CLI::App* action = ptz.add_subcommand(name, help);
    action->fallthrough();
    action->preparse_callback([&o, name](size_t) { o.action = name; });
    return action;
}

void add_snapshot_options(CLI::App* action, PtzOptions& o) {
    action->add_option("--snapshot", o.snapshot,
                       "Once the camera has settled, write a frame grabbed after that to FILE (strftime patterns allowed)");
    action->add_option("--url,-u", o.shot.url,
                       "Stream to grab for --snapshot (default: the config source's url, else the camera's own RTSP stream)");
    action->add_option("--settle-timeout", o.settle_timeout_s, "Seconds to wait for the camera to stop before the grab")
        ->check(CLI::Range(0.5, 600.0))->capture_default_str();
    action->add_option("--grab-timeout", o.shot.timeout_s, "Seconds before the grab is abandoned")
        ->check(CLI::Range(0.1, 3600.0))->capture_default_str();
    action->add_option("--quality", o.shot.quality, "JPEG quality 1-100")->check(CLI::Range(1, 100));
    action->add_flag("--no-timestamp", o.shot.no_timestamp, "Do not stamp the date and time on the frame");
    action->add_option("--rtsp-transport", o.shot.rtsp_transport, "RTSP transport")->check(CLI::IsMember({"tcp", "udp"}));
    action->add_option("--ffmpeg", o.shot.ffmpeg, "Path to ffmpeg (default: $PTZGRAB_FFMPEG, then PATH)");
}

void add_actions(CLI::App& ptz, PtzOptions& o) {
    add_action(ptz, o, "info", "Device, profile, what the camera can do, and its ranges");
    add_action(ptz, o, "status", "Position and whether the camera is moving");
    add_action(ptz, o, "presets", "The presets, as token and name");
    CLI::App* move = add_action(ptz, o, "move", "Pan, tilt or zoom");
    move->add_option("--pan", o.pan, "Pan: a position (absolute), a step (relative) or a velocity (continuous), -1..1")
        ->check(CLI::Range(-1.0, 1.0));
    move->add_option("--tilt", o.tilt, "Tilt, like --pan (up is positive)")->check(CLI::Range(-1.0, 1.0));
    move->add_option("--zoom", o.zoom, "Zoom: 0..1 absolute; -1..1 relative or continuous")->check(CLI::Range(-1.0, 1.0));
    move->add_option("--mode", o.mode, "How the values are meant")
        ->check(CLI::IsMember({"continuous", "relative", "absolute"}))->capture_default_str();
    move->add_option("--speed", o.speed, "A fraction of the camera's top speed")->check(CLI::Range(0.01, 1.0));
    move->add_option("--duration", o.duration_s, "continuous: seconds until the camera stops by itself")
        ->check(CLI::Range(0.1, 3600.0))->capture_default_str();
    add_snapshot_options(move, o);
    add_action(ptz, o, "stop", "Stop any move");
    CLI::App* go = add_action(ptz, o, "goto", "Go to a preset (token or name)");
    go->add_option("preset", o.preset, "Preset token or name")->required();
    go->add_option("--speed", o.speed, "A fraction of the camera's top speed")->check(CLI::Range(0.01, 1.0));
    add_snapshot_options(go, o);
    add_action(ptz, o, "set-preset", "Save the current position as a preset; prints its token")
        ->add_option("name", o.preset, "Preset name")->required();
    add_action(ptz, o, "remove-preset", "Remove a preset (token or name)")
        ->add_option("preset", o.preset, "Preset token or name")->required();
    CLI::App* home = add_action(ptz, o, "home", "Go to the home position");
    home->add_option("--speed", o.speed, "A fraction of the camera's top speed")->check(CLI::Range(0.01, 1.0));
    add_snapshot_options(home, o);
    add_action(ptz, o, "set-home", "Make the current position the home position");
    CLI::App* center = add_action(ptz, o, "center", "Center the picture on a point (click to center)");
    center->add_option("--x", o.x, "Right of the center, -1..1 (1: the right edge)")->check(CLI::Range(-1.0, 1.0))->required();
    center->add_option("--y", o.y, "Below the center, -1..1 (1: the bottom edge)")->check(CLI::Range(-1.0, 1.0))->required();
    add_snapshot_options(center, o);
}

}  // namespace

CLI::App* setup_ptz(CLI::App& app, PtzOptions& o) {
    CLI::App* cmd = app.add_subcommand("ptz", "Steer a PTZ camera over ONVIF: move, zoom, presets, home");
    cmd->add_option("--onvif", o.onvif, "The camera's ONVIF device service: http://[USER[:PASS]@]HOST[:PORT]/onvif/device_service");
    cmd->add_option("--user", o.user, "ONVIF user (default: the URL's or the source's userinfo)");
    cmd->add_option("--password", o.password,
                    "ONVIF password (default: the URL's userinfo, else $PTZGRAB_ONVIF_PASSWORD). Visible to every "
                    "user in `ps` and kept in shell history: prefer $PTZGRAB_ONVIF_PASSWORD or --config");
    cmd->add_option("--config", o.config, "A sources file (as for serve); with --source, steer that source's camera")
        ->check(CLI::ExistingFile);
    cmd->add_option("--source", o.source, "The source in --config whose \"onvif\" settings are used");
    cmd->add_option("--profile", o.profile, "Media profile token (default: the config's, else the first with PTZ)");
    cmd->add_option("--timeout", o.timeout_s, "Seconds each ONVIF call may take")
        ->check(CLI::Range(0.1, 600.0))->capture_default_str();
    cmd->add_flag("--json", o.json, "Print JSON");
    cmd->require_subcommand(1, 1);
    add_actions(*cmd, o);
    cmd->footer(std::string(ptz_examples) + exit_codes_help);
    return cmd;
}

}  // namespace ptzgrab::cli
