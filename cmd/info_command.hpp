#pragma once
// `ptzgrab info`: is ffmpeg usable here, and which versions are in play.
#include <CLI/CLI.hpp>
#include <string>

namespace ptzgrab::cli {

struct InfoOptions {
    bool json = false;
    std::string ffmpeg;
};

CLI::App* setup_info(CLI::App& app, InfoOptions& options);
int run_info(const InfoOptions& options);

}  // namespace ptzgrab::cli
