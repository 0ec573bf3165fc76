#include "serve_command.hpp"

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "assets_location.hpp"
#include "core/source_config.hpp"
#include "exit_codes.hpp"
#include "serve_access.hpp"
#include "serve_runtime.hpp"
#include "web/server.hpp"

namespace ptzgrab::cli {
namespace {

using namespace std::chrono;

Result<std::vector<SourceConfig>> load_sources(const ServeOptions& o) {
    SourceDefaults defaults;
    defaults.max_age = duration_cast<milliseconds>(duration<double>(o.max_age_s));
    if (!o.live.empty()) defaults.live_mode = parse_live_mode(o.live);  // checked by CLI11
    defaults.live_idle = seconds(std::llround(o.live_idle_s));
    if (!o.config.empty()) return load_source_config(o.config, defaults);
    if (!o.url.empty()) {
        auto one = url_source_config(o.url, defaults);
        if (!one) return std::unexpected(one.error());
        return std::vector{std::move(*one)};
    }
    return std::vector{demo_source_config(defaults)};
}

// --token-file, else --token, else $PTZGRAB_TOKEN; a token file that cannot be used is a usage error.
Result<std::string> token_of(const ServeOptions& o) {
    if (!o.token_file.empty()) return read_token_file(o.token_file);
    if (!o.token.empty()) return o.token;
    const char* env = std::getenv("PTZGRAB_TOKEN");
    return env ? env : "";
}

std::string connection_help() {
    web::SessionLimits limits;
    auto s = [](std::chrono::seconds t) { return std::to_string(t.count()) + " s"; };
    return "\nConnections: a request's headers must arrive within " + s(limits.header_timeout) +
           " of its first byte; an idle keep-alive\nconnection is closed after " + s(limits.idle_timeout) +
           "; a client that does not take its answer within " + s(limits.write_timeout) + " is dropped.\n"
           "Host names: requests must name the server by an IP address, localhost, an --allow-host name or,\n"
           "when bound beyond loopback, this machine's host name (NAME or NAME.local); others get 421 (this\n"
           "stops DNS rebinding; /healthz answers any Host). POSTs whose Origin is another site, or marked\n"
           "Sec-Fetch-Site: cross-site, get 403.\n"
           "Reloading: kill -HUP <pid> reads --config again without a restart: unchanged sources keep their\n"
           "frames, streams and viewers, added ones start, removed ones stop; a bad file is refused (logged),\n"
           "and the config in force stays.\n";
}

// A host name for --allow-host: what a browser would send in Host, without a port; or "*".
std::string check_host_name(const std::string& name) {
    if (name == "*") return {};
    auto parsed = web::parse_authority(name);
    if (!parsed || parsed->port) return "not a host name (no port, no scheme): " + name;
    return {};
}

}  // namespace

CLI::App* setup_serve(CLI::App& app, ServeOptions& o) {
    CLI::App* cmd = app.add_subcommand("serve", "Serve snapshots, latest frames and a live view over HTTP");
    auto* config = cmd->add_option("--config,-c", o.config, "YAML or JSON file of sources")->check(CLI::ExistingFile);
    cmd->add_option("--url,-u", o.url, "One source (default: the built-in demo)")->excludes(config);
    cmd->add_option("--bind", o.bind, "Address to listen on")->capture_default_str();
    cmd->add_option("--port,-p", o.port, "TCP port")->check(CLI::Range(0, 65535))->capture_default_str();
    cmd->add_option("--static-dir", o.static_dir,
                    "Where latest.jpg and NAME/latest.jpg are written (if not writable: $PTZGRAB_STATE_DIR, "
                    "$XDG_RUNTIME_DIR/ptzgrab, then a temp folder)")
        ->capture_default_str();
    cmd->add_option("--assets-dir", o.assets_dir, "Folder served under /assets/ (default: " + default_assets_help() + ")");
    cmd->add_option("--max-age", o.max_age_s, "Seconds a frame is served from memory before a new grab")
        ->check(CLI::Range(0.001, 86400.0))->capture_default_str();
    cmd->add_option("--stale-limit", o.stale_limit_s, "Seconds an old frame may stand in for an offline source")
        ->check(CLI::Range(0.0, 604800.0))->capture_default_str();
    cmd->add_option("--live", o.live,
                    "Hold network sources open (default on_demand: from the first request until --live-idle "
                    "passes unasked; always: from start; off: one ffmpeg per refresh); a source's \"live\" wins")
        ->check(CLI::IsMember({"off", "on_demand", "always"}));
    cmd->add_option("--live-idle", o.live_idle_s, "Seconds an on_demand stream stays open with no request and no viewer")
        ->check(CLI::Range(1.0, 86400.0))->capture_default_str();
    auto* token = cmd->add_option("--token", o.token,
                                  "Require this token (Bearer or ?token=) on all but /healthz and /assets/ "
                                  "(or $PTZGRAB_TOKEN); visible in ps, prefer --token-file");
    cmd->add_option("--token-file", o.token_file, "Read the token from this file (one line; a trailing newline is ignored)")
        ->excludes(token);
    cmd->add_option("--allow-host", o.allow_hosts,
                    "Also answer requests whose Host is NAME (repeatable; '*' for any, behind a proxy that checks it)")
        ->check(check_host_name)
        ->allow_extra_args(false);
    cmd->add_flag("--allow-any-url", o.allow_any_url, "Allow ?url= with rtsp/http(s) URLs (never files)");
    cmd->add_option("--ffmpeg", o.ffmpeg, "Path to ffmpeg (default: $PTZGRAB_FFMPEG, then PATH)");
    cmd->add_option("--frame-memory-mb", o.frame_memory_mb,
                    "Memory for held frames across all sources; past it the least recently asked-for are dropped")
        ->check(CLI::Range(16, 1 << 20))->capture_default_str();
    cmd->add_option("--threads", o.threads, "HTTP io threads")->check(CLI::Range(1, 64))->capture_default_str();
    cmd->footer(connection_help());
    cmd->add_option("--max-connections", o.max_connections,
                    "Open connections at most; past 3/4 of it a new one must send its first byte within 2 s")
        ->check(CLI::Range(1, 1'000'000))->capture_default_str();
    cmd->add_option("--max-connections-per-peer", o.max_connections_per_peer,
                    "Open connections at most from one client address; more are closed at once")
        ->check(CLI::Range(1, 1'000'000))->capture_default_str();
    cmd->add_option("--ptz-settle-timeout", o.ptz_settle_timeout_s,
                    "Seconds a then=snapshot PTZ route waits for the camera to stop; still moving then: 504, no frame")
        ->check(CLI::Range(0.1, 600.0))->capture_default_str();
    cmd->add_option("--shutdown-grace", o.shutdown_grace_s,
                    "Seconds after SIGINT/SIGTERM for answers in flight to go out; a second signal stops at once")
        ->check(CLI::Range(0.0, 3600.0))->capture_default_str();
    cmd->add_option("--write-timeout", o.write_timeout_s,
                    "Seconds a client (or an MJPEG viewer) may take no bytes of its answer before it is dropped")
        ->check(CLI::Range(1, 3600))->capture_default_str();
    cmd->add_option("--max-viewers-per-source", o.max_viewers_per_source,
                    "/stream/mjpeg viewers of one source at most; more get 503")
        ->check(CLI::Range(0, 1'000'000))->capture_default_str();
    cmd->add_option("--max-viewers", o.max_viewers, "/stream/mjpeg viewers in all at most; more get 503")
        ->check(CLI::Range(0, 1'000'000))->capture_default_str();
    return cmd;
}

namespace {

// The runtime owns and tears down everything `serve` runs; here only the settings from the options.
int serve_sources(const ServeOptions& o, std::vector<SourceConfig> sources) {
    ServeRuntime::LoadSources reload;
    if (!o.config.empty()) reload = [&o] { return load_sources(o); };  // SIGHUP: the file again
    ServeRuntime runtime(o, std::move(sources), std::move(reload));
    web::ServerContext& context = runtime.context();
    context.static_dir = o.static_dir;
    std::filesystem::path assets_dir = o.assets_dir.empty() ? default_assets_dir() : std::filesystem::path(o.assets_dir);
    if (!assets_dir.empty()) context.assets = web::AssetStore::load(assets_dir);
    if (context.assets.size() == 0)
        std::cerr << "ptzgrab: warning: no files in the assets folder "
                  << (assets_dir.empty() ? "(none found at " + default_assets_help() + ")" : assets_dir.string())
                  << "; the view page will have no script (--assets-dir)\n";
    context.token = o.token;
    context.hosts = host_policy(o.bind, o.allow_hosts);
    context.viewers = web::Viewers({.per_source = o.max_viewers_per_source, .total = o.max_viewers});
    return runtime.serve();
}

}  // namespace

int run_serve(const ServeOptions& given) {
    // Until the server listens for it, a SIGHUP (`systemctl reload` just after the start) would end
    // the process by its default action, which systemd counts as a clean exit and never restarts.
    std::signal(SIGHUP, SIG_IGN);
    ServeOptions o = given;
    auto token = token_of(given);
    if (!token) {
        std::cerr << "ptzgrab: " << token.error().message << "\n";
        return exit_usage;
    }
    o.token = *token;
    auto sources = load_sources(o);
    if (!sources) {
        std::cerr << "ptzgrab: " << sources.error().message << "\n";
        return exit_usage;
    }
    return serve_sources(o, std::move(*sources));
}

}  // namespace ptzgrab::cli
