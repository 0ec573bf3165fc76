// ptzgrab: grab still frames from IP and PTZ camera streams. main() only wires.
#include <CLI/CLI.hpp>

#include "check_config_command.hpp"
#include "exit_codes.hpp"
#include "info_command.hpp"
#include "ptz_command.hpp"
#include "serve_command.hpp"
#include "snapshot_command.hpp"

namespace {

constexpr const char* examples =
    "\nExamples:\n"
    "  ptzgrab snapshot -o demo.jpg                      # the built-in demo source\n"
    "  ptzgrab snapshot --url 'rtsp://user:pass@192.168.1.20:554/stream1' -o cam1.jpg\n"
    "  ptzgrab snapshot --url http://cam.local/video.mjpg --width 640 -o - > small.jpg\n"
    "  ptzgrab info\n"
    "  ptzgrab check-config cameras.yaml                 # valid? and every default it implies\n"
    "  ptzgrab serve --config cameras.yaml --port 8080   # then open http://127.0.0.1:8080/stream/view\n"
    "  ptzgrab ptz --config cameras.json --source gate presets\n"
    "  ptzgrab ptz --config cameras.json --source gate goto Driveway --snapshot drive.jpg\n"
    "  ptzgrab ptz --onvif http://admin@192.168.1.20/onvif/device_service move --mode absolute --pan 0.5\n"
    "  # cron, one timestamped JPEG a minute:\n"
    "  * * * * * ptzgrab snapshot -q --url rtsp://cam/stream -o '/srv/snaps/cam1-%Y%m%d-%H%M%S.jpg'\n"
    "  # (in a crontab, % must be written \\%)\n\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace ptzgrab::cli;
    CLI::App app{"ptzgrab: grab still frames from IP and PTZ camera streams"};
    app.set_version_flag("--version", PTZGRAB_VERSION);
    app.require_subcommand(1);
    app.footer(std::string(examples) + exit_codes_help);

    SnapshotOptions snapshot;
    InfoOptions info;
    ServeOptions serve;
    PtzOptions ptz;
    CheckConfigOptions check_config;
    CLI::App* snapshot_cmd = setup_snapshot(app, snapshot);
    CLI::App* info_cmd = setup_info(app, info);
    CLI::App* serve_cmd = setup_serve(app, serve);
    CLI::App* ptz_cmd = setup_ptz(app, ptz);
    CLI::App* check_config_cmd = setup_check_config(app, check_config);
    snapshot_cmd->footer(exit_codes_help);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_usage;
    }
    if (snapshot_cmd->parsed()) return run_snapshot(snapshot);
    if (info_cmd->parsed()) return run_info(info);
    if (serve_cmd->parsed()) return run_serve(serve);
    if (ptz_cmd->parsed()) return run_ptz(ptz);
    if (check_config_cmd->parsed()) return run_check_config(check_config);
    return exit_usage;
}
