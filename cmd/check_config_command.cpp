#include "check_config_command.hpp"

#include <cmath>
#include <iostream>

#include "core/source_config.hpp"
#include "core/source_config_text.hpp"
#include "exit_codes.hpp"
#include "serve_command.hpp"

namespace ptzgrab::cli {

CLI::App* setup_check_config(CLI::App& app, CheckConfigOptions& o) {
    // The defaults are serve's own, so the two cannot drift apart.
    ServeOptions serve;
    o.max_age_s = serve.max_age_s;
    o.live_idle_s = serve.live_idle_s;
    CLI::App* cmd = app.add_subcommand(
        "check-config", "Check a camera file (YAML or JSON) and print it as serve reads it, passwords masked");
    cmd->add_option("file", o.file, "The camera file, e.g. /etc/ptzgrab/cameras.yaml")->required()->check(CLI::ExistingFile);
    cmd->add_option("--max-age", o.max_age_s, "As serve --max-age: for sources without max_age_s")
        ->check(CLI::Range(0.001, 86400.0))->capture_default_str();
    cmd->add_option("--live", o.live, "As serve --live: for network sources without live")
        ->check(CLI::IsMember({"off", "on_demand", "always"}));
    cmd->add_option("--live-idle", o.live_idle_s, "As serve --live-idle: for sources without live_idle_s")
        ->check(CLI::Range(1.0, 86400.0))->capture_default_str();
    cmd->footer("Exit codes: 0 the file is valid (its effective config on stdout), 2 it is not (why, on stderr).");
    return cmd;
}

int run_check_config(const CheckConfigOptions& o) {
    using namespace std::chrono;
    SourceDefaults defaults;
    defaults.max_age = duration_cast<milliseconds>(duration<double>(o.max_age_s));
    if (!o.live.empty()) defaults.live_mode = parse_live_mode(o.live);  // checked by CLI11
    defaults.live_idle = seconds(std::llround(o.live_idle_s));
    auto sources = load_source_config(o.file, defaults);
    if (!sources) {
        std::cerr << "ptzgrab: " << sources.error().message << "\n";
        return exit_usage;  // unreadable or invalid: either way the file is not one serve would take
    }
    std::cout << "# " << o.file << ": valid, " << sources->size() << (sources->size() == 1 ? " source" : " sources")
              << "; every field with its effective value, passwords shown as ***\n"
              << effective_config_yaml(*sources);
    return exit_ok;
}

}  // namespace ptzgrab::cli
