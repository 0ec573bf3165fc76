#include "serve_command.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/grabber.hpp"
#include "core/latest_frame_store.hpp"
#include "core/source_config.hpp"
#include "exit_codes.hpp"
#include "serve_access.hpp"
#include "web/server.hpp"

#ifndef PTZGRAB_ASSETS_DIR
#define PTZGRAB_ASSETS_DIR "assets"
#endif

namespace ptzgrab::cli {
namespace {

using namespace std::chrono;

Result<std::vector<SourceConfig>> load_sources(const ServeOptions& o) {
    SourceDefaults defaults{duration_cast<milliseconds>(duration<double>(o.max_age_s))};
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
           "Sec-Fetch-Site: cross-site, get 403.\n";
}

// A host name for --allow-host: what a browser would send in Host, without a port; or "*".
std::string check_host_name(const std::string& name) {
    if (name == "*") return {};
    auto parsed = web::parse_authority(name);
    if (!parsed || parsed->port) return "not a host name (no port, no scheme): " + name;
    return {};
}

// After every good grab: the JPEG to disk (a fallback folder if need be).
FrameCache::FrameListener frame_listener(LatestFrameStore& store, const std::string& default_source) {
    return [&store, default_source](const SourceConfig& source, const Snapshot& snapshot) {
        if (!snapshot.jpeg) return;
        auto written = store.write(source.name, source.name == default_source, *snapshot.jpeg);
        if (std::string note = store.take_change_note(); !note.empty()) std::fprintf(stderr, "ptzgrab: %s\n", note.c_str());
        if (!written) std::fprintf(stderr, "ptzgrab: %s\n", written.error().message.c_str());
    };
}

std::string open_url(const std::string& bind, uint16_t port, bool has_token) {
    std::string host = bind == "0.0.0.0" || bind == "::" ? "127.0.0.1" : bind;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(port) + "/stream/view" + (has_token ? "?token=..." : "");
}

}  // namespace

CLI::App* setup_serve(CLI::App& app, ServeOptions& o) {
    CLI::App* cmd = app.add_subcommand("serve", "Serve snapshots, latest frames and a live view over HTTP");
    auto* config = cmd->add_option("--config,-c", o.config, "JSON file of sources")->check(CLI::ExistingFile);
    cmd->add_option("--url,-u", o.url, "One source (default: the built-in demo)")->excludes(config);
    cmd->add_option("--bind", o.bind, "Address to listen on")->capture_default_str();
    cmd->add_option("--port,-p", o.port, "TCP port")->check(CLI::Range(0, 65535))->capture_default_str();
    cmd->add_option("--static-dir", o.static_dir,
                    "Where latest.jpg and NAME/latest.jpg are written (if not writable: $PTZGRAB_STATE_DIR, "
                    "$XDG_RUNTIME_DIR/ptzgrab, then a temp folder)")
        ->capture_default_str();
    cmd->add_option("--assets-dir", o.assets_dir, "Folder served under /assets/ (default: " PTZGRAB_ASSETS_DIR ")");
    cmd->add_option("--max-age", o.max_age_s, "Seconds a frame is served from memory before a new grab")
        ->check(CLI::Range(0.001, 86400.0))->capture_default_str();
    cmd->add_option("--stale-limit", o.stale_limit_s, "Seconds an old frame may stand in for an offline source")
        ->check(CLI::Range(0.0, 604800.0))->capture_default_str();
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
    return cmd;
}

namespace {

// Everything `serve` runs, in the order it must be torn down (reverse of construction).
int serve_sources(const ServeOptions& o, std::vector<SourceConfig> sources) {
    auto runner = make_process_runner();
    Grabber grabber(*runner, locate_ffmpeg(*runner, o.ffmpeg));
    if (!grabber.ffmpeg().usable) std::cerr << "ptzgrab: warning: " << grabber.ffmpeg().problem << "\n";
    auto grab = [&grabber](const GrabRequest& r, std::stop_token stop) { return grabber.grab(r, stop); };

    web::ServerOptions server_options;
    server_options.bind = o.bind;
    server_options.port = static_cast<uint16_t>(o.port);
    server_options.threads = o.threads;
    web::Server server(server_options);  // before the cache: its grab threads post into the server
    web::Metrics metrics;
    LatestFrameStore store(o.static_dir);
    std::string default_source = sources.front().name;
    auto cache = std::make_unique<FrameCache>(std::move(sources), web::instrument(grab, metrics),
                                              duration_cast<milliseconds>(duration<double>(o.stale_limit_s)));
    cache->set_frame_listener(frame_listener(store, default_source));
    cache->set_memory_budget(static_cast<size_t>(o.frame_memory_mb) * 1024 * 1024);
    std::unique_ptr<web::AdhocGrabs> adhoc;
    if (o.allow_any_url) adhoc = std::make_unique<web::AdhocGrabs>(web::instrument(grab, metrics));

    std::string assets_dir = o.assets_dir.empty() ? PTZGRAB_ASSETS_DIR : o.assets_dir;
    web::ServerContext context{*cache, metrics, adhoc.get(), grabber.ffmpeg(), o.static_dir,
                               [&store] { return store.directory(); }, web::AssetStore::load(assets_dir), o.token,
                               host_policy(o.bind, o.allow_hosts)};
    if (context.assets.size() == 0)
        std::cerr << "ptzgrab: warning: no files in the assets folder " << assets_dir << "\n";
    boost::asio::thread_pool render_pool(2);  // variants are rendered here, never on an io thread
    context.offload = [&render_pool](std::function<void()> work) { boost::asio::post(render_pool, std::move(work)); };
    web::Router router(context);
    auto port = server.listen();
    if (!port) {
        std::cerr << "ptzgrab: " << port.error().message << ": " << port.error().detail << "\n";
        return exit_usage;
    }
    std::printf("ptzgrab: serving %zu source(s); open %s\n", cache->sources().size(),
                open_url(o.bind, *port, !context.token.empty()).c_str());
    std::fflush(stdout);
    server.run(router, [&cache, &adhoc] {
        cache->shutdown();
        if (adhoc) adhoc->shutdown();
    });
    // Grab threads may still be answering through the router: join them while it exists.
    adhoc.reset();
    cache.reset();
    render_pool.join();
    return exit_ok;
}

}  // namespace

int run_serve(const ServeOptions& given) {
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
