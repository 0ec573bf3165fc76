#pragma once
// `ptzgrab snapshot`: one frame from one source into a file (or stdout), for shells and cron.
#include <CLI/CLI.hpp>
#include <string>

namespace ptzgrab::cli {

struct SnapshotOptions {
    std::string url;  // empty: the built-in demo source
    std::string output = "snapshot.jpg";
    double timeout_s = 10;
    double warmup_s = 0;
    int quality = 90;
    int width = 0;
    int height = 0;
    bool no_timestamp = false;
    std::string timestamp_format = "%Y-%m-%d %H:%M:%S";
    bool utc = false;
    std::string rtsp_transport = "tcp";
    std::string ffmpeg;
    std::string on_error = "fail";
    bool quiet = false;
    double every_s = 0;  // > 0: a series, a frame every S seconds from one stream held open
    int count = 0;       // with every_s: stop after this many frames; 0: until a signal
};

CLI::App* setup_snapshot(CLI::App& app, SnapshotOptions& options);
int run_snapshot(const SnapshotOptions& options);

}  // namespace ptzgrab::cli
