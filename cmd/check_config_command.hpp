#pragma once
// `ptzgrab check-config FILE`: is this camera file good, and what will serve make of it? Run
// before a reload, so a typo is found at the keyboard rather than in the service's log.
#include <CLI/CLI.hpp>
#include <string>

namespace ptzgrab::cli {

struct CheckConfigOptions {
    std::string file;
    double max_age_s = 5;      // as serve's --max-age, --live and --live-idle: the defaults of sources that do not say
    std::string live;          // empty: by URL
    double live_idle_s = 300;
};

CLI::App* setup_check_config(CLI::App& app, CheckConfigOptions& options);
/// 0 and the effective config (secrets masked) on stdout; 2 and the error on stderr.
int run_check_config(const CheckConfigOptions& options);

}  // namespace ptzgrab::cli
