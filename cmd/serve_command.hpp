#pragma once
// `ptzgrab serve`: the sources as an HTTP service (snapshots, latest frames, a view page, metrics).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace ptzgrab::cli {

struct ServeOptions {
    std::string config;  // JSON file of sources
    std::string url;     // or one source; neither: the built-in demo
    std::string bind = "127.0.0.1";
    int port = 8080;
    std::string static_dir = "static";  // latest.jpg and NAME/latest.jpg, relative to the working directory
    std::string assets_dir;             // default: default_assets_dir() (installed, else the sources')
    double max_age_s = 5;
    int frame_memory_mb = 512;  // held frames across all sources (FrameCache's budget)
    double stale_limit_s = 300;
    std::string live;          // --live: off, on_demand or always for sources that do not say; empty: by URL
    double live_idle_s = 300;  // --live-idle: on_demand streams stop after this long unasked and unwatched
    std::string token;       // default: $PTZGRAB_TOKEN
    std::string token_file;  // or the token's file (unlike --token, not visible in ps)
    std::vector<std::string> allow_hosts;  // Host names accepted besides IP literals and localhost
    bool allow_any_url = false;
    std::string ffmpeg;
    int threads = 2;
    int max_connections = 1024;          // open connections at most (descriptors are finite)
    int max_connections_per_peer = 64;   // from one client address: one client cannot take every slot
    double ptz_settle_timeout_s = 15;    // --ptz-settle-timeout: a then=snapshot move not ended by then is 504
    double shutdown_grace_s = 0.5;       // after SIGINT/SIGTERM, for answers in flight to go out
    int write_timeout_s = 30;            // a client that takes no bytes of its answer this long is dropped
    int max_viewers_per_source = 10;     // /stream/mjpeg viewers of one source, apart from the connection cap
    int max_viewers = 100;               // /stream/mjpeg viewers in all
};

CLI::App* setup_serve(CLI::App& app, ServeOptions& options);
int run_serve(const ServeOptions& options);

}  // namespace ptzgrab::cli
