#include "info_command.hpp"

#include <boost/json.hpp>
#include <iostream>

#include "core/ffmpeg_locator.hpp"
#include "core/frame.hpp"
#include "core/json_text.hpp"
#include "exit_codes.hpp"

namespace ptzgrab::cli {

CLI::App* setup_info(CLI::App& app, InfoOptions& o) {
    CLI::App* cmd = app.add_subcommand("info", "Say whether ffmpeg is usable, and show versions");
    cmd->add_flag("--json", o.json, "Print JSON");
    cmd->add_option("--ffmpeg", o.ffmpeg, "Path to ffmpeg (default: $PTZGRAB_FFMPEG, then PATH)");
    return cmd;
}

int run_info(const InfoOptions& o) {
    auto runner = make_process_runner();
    FfmpegInfo ffmpeg = locate_ffmpeg(*runner, o.ffmpeg);
    if (o.json) {
        boost::json::object out{
            {"ptzgrab_version", PTZGRAB_VERSION},
            {"opencv_version", opencv_version()},
            {"ffmpeg", {{"available", ffmpeg.usable}, {"path", ffmpeg.path}, {"version", ffmpeg.version},
                        {"problem", ffmpeg.problem}}},
        };
        std::cout << json_text(out) << "\n";
    } else {
        std::cout << "ptzgrab " << PTZGRAB_VERSION << "\nOpenCV  " << opencv_version() << "\n";
        if (ffmpeg.usable)
            std::cout << "ffmpeg  " << ffmpeg.version << " at " << ffmpeg.path << " (usable)\n";
        else
            std::cout << "ffmpeg  NOT USABLE: " << ffmpeg.problem << "\n";
    }
    return ffmpeg.usable ? exit_ok : exit_ffmpeg_missing;
}

}  // namespace ptzgrab::cli
