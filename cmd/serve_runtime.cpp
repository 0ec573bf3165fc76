#include "serve_runtime.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>

#include "config_reload.hpp"
#include "core/grabber.hpp"
#include "core/latest_frame_store.hpp"
#include "exit_codes.hpp"
#include "web/adhoc_grabs.hpp"
#include "web/ptz_cameras.hpp"
#include "web/render_pool.hpp"
#include "web/router.hpp"
#include "web/server.hpp"

namespace ptzgrab::cli {
namespace {

using namespace std::chrono;

constexpr int render_threads = 2;

web::ServerOptions server_options(const ServeOptions& o) {
    web::ServerOptions s;
    s.bind = o.bind;
    s.port = static_cast<uint16_t>(o.port);
    s.threads = o.threads;
    s.max_connections = o.max_connections;
    s.max_connections_per_peer = o.max_connections_per_peer;
    s.shutdown_grace = duration_cast<milliseconds>(duration<double>(o.shutdown_grace_s));
    s.limits.write_timeout = seconds(o.write_timeout_s);
    return s;
}

// The first source's name, which latest.jpg shows: set at start and by each reload, read by grab
// lanes. Never read back from the cache, whose lanes may still end while it is being destroyed.
using DefaultSource = std::atomic<std::shared_ptr<const std::string>>;

std::shared_ptr<const std::string> first_name(const std::vector<SourceConfig>& sources) {
    return std::make_shared<const std::string>(sources.empty() ? std::string() : sources.front().name);
}

// After every good grab: the JPEG to disk (a fallback folder if need be); latest.jpg is the first
// source's, as configured now.
FrameCache::FrameListener frame_listener(LatestFrameStore& store, const DefaultSource& default_source) {
    return [&store, &default_source](const SourceConfig& source, const Snapshot& snapshot) {
        if (!snapshot.jpeg) return;
        bool is_default = *default_source.load() == source.name;
        auto written = store.write(source.name, is_default, *snapshot.jpeg);
        if (std::string note = store.take_change_note(); !note.empty()) std::fprintf(stderr, "ptzgrab: %s\n", note.c_str());
        if (!written) std::fprintf(stderr, "ptzgrab: %s\n", written.error().message.c_str());
    };
}

std::vector<std::string> names_of(const std::vector<SourceConfig>& sources) {
    std::vector<std::string> names;
    for (const SourceConfig& source : sources) names.push_back(source.name);
    return names;
}

// The store owns NAME/latest.jpg of every configured source, also those an earlier run wrote.
LatestFrameStoreOptions store_options(const std::vector<SourceConfig>& sources) {
    LatestFrameStoreOptions options;
    options.sources = names_of(sources);
    return options;
}

std::string open_url(const std::string& bind, uint16_t port, bool has_token) {
    std::string host = bind == "0.0.0.0" || bind == "::" ? "127.0.0.1" : bind;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(port) + "/stream/view" + (has_token ? "?token=..." : "");
}

}  // namespace

// Plain members are data and references; the members whose threads read them are unique_ptrs,
// ended and freed by ~ServeRuntime in the one order that is safe.
struct ServeRuntime::Parts {
    const ServeOptions& options;
    std::unique_ptr<ProcessRunner> runner = make_process_runner();
    Grabber grabber{*runner, locate_ffmpeg(*runner, options.ffmpeg)};
    web::Metrics metrics;
    LatestFrameStore store;
    DefaultSource default_source;  // read by the cache's lanes: declared before the cache, outlives it
    std::unique_ptr<web::Server> server;
    std::unique_ptr<web::RenderPool> renders;
    std::unique_ptr<web::RenderPool> file_writes;  // frames' files (FrameHeads): a stalling disk holds this thread alone
    std::unique_ptr<FrameCache> cache;
    std::unique_ptr<web::AdhocGrabs> adhoc;
    std::unique_ptr<web::PtzCameras> ptz;  // its lanes read the cache and answer into the io contexts
    std::unique_ptr<web::ServerContext> context;
    std::unique_ptr<web::Router> router;
    std::unique_ptr<ConfigReloader> reloader;  // with --config: its thread reads the cache, ptz, context and store

    Parts(const ServeOptions& o, std::vector<SourceConfig> sources, LoadSources reload)
        : options(o), store(o.static_dir, fallback_directories(), store_options(sources)),
          default_source(first_name(sources)) {
        auto grab = web::instrument([this](const GrabRequest& r, std::stop_token stop) { return grabber.grab(r, stop); },
                                    metrics);
        server = std::make_unique<web::Server>(server_options(o));
        renders = std::make_unique<web::RenderPool>(render_threads);
        file_writes = std::make_unique<web::RenderPool>(1);
        cache = std::make_unique<FrameCache>(std::move(sources), grab,
                                             duration_cast<milliseconds>(duration<double>(o.stale_limit_s)));
        cache->set_frame_listener(frame_listener(store, default_source));
        cache->set_memory_budget(static_cast<size_t>(o.frame_memory_mb) * 1024 * 1024);
        // Without a usable ffmpeg every source stays one-shot: its grabs report what is missing.
        if (grabber.ffmpeg().usable) cache->enable_live(grabber.ffmpeg().path);
        if (o.allow_any_url) adhoc = std::make_unique<web::AdhocGrabs>(grab);
        ptz = std::make_unique<web::PtzCameras>(
            *cache->sources(), duration_cast<milliseconds>(duration<double>(o.ptz_settle_timeout_s)));
        std::function<std::filesystem::path()> frames_directory = [this] { return store.directory(); };
        // Frames' files go beside the latest frames (on a disk, as a rule), written on their own thread.
        web::FrameHeads::FileWriting file_writing{.directory = frames_directory,
                                                  .run = [this](std::function<void()> work) {
                                                      file_writes->post(std::move(work));
                                                  }};
        // Built in place: the context holds a mutex (the card cache) and cannot be moved.
        context.reset(new web::ServerContext{.cache = *cache, .metrics = metrics, .adhoc = adhoc.get(),
                                             .ffmpeg = grabber.ffmpeg(),
                                             .frames_directory = frames_directory,
                                             .frame_heads = web::FrameHeads(std::move(file_writing))});
        context->ptz = ptz.get();
        context->offload = [this](web::RenderAnswer render, web::SendAnswer send) {
            renders->offload(std::move(render), std::move(send));
        };
        router = std::make_unique<web::Router>(*context);
        if (reload)
            reloader = std::make_unique<ConfigReloader>(o.config, std::move(reload), [this](std::vector<SourceConfig> s) {
                return put_in_force(std::move(s));
            });
    }

    // On the reloader's thread: the cache first (kept sources go on, removed ones end), then the
    // cameras, the prepared frame headers and the latest-frame files follow what it holds now.
    Result<SourceChanges> put_in_force(std::vector<SourceConfig> sources) {
        auto changes = cache->reconfigure(std::move(sources));
        if (!changes) return changes;
        auto now = cache->sources();
        default_source.store(first_name(*now));
        ptz->reconfigure(*now);
        context->frame_heads.forget(changes->removed);
        context->frame_heads.forget(changes->changed);  // their files go with the old settings' frames
        store.set_sources(names_of(*now));
        return changes;
    }

    // On an io thread at SIGHUP: hands the reload to its thread, or says why there is none.
    void hangup() {
        if (reloader) return reloader->request();
        std::fprintf(stderr, "ptzgrab: SIGHUP: nothing to reload (no --config: the demo or --url); still serving\n");
    }
};

ServeRuntime::ServeRuntime(const ServeOptions& options, std::vector<SourceConfig> sources, LoadSources reload)
    : parts_(std::make_unique<Parts>(options, std::move(sources), std::move(reload))) {
    if (!parts_->grabber.ffmpeg().usable) std::cerr << "ptzgrab: warning: " << parts_->grabber.ffmpeg().problem << "\n";
}

ServeRuntime::~ServeRuntime() {
    Parts& p = *parts_;
    // 1. No new grabs or camera exchanges; grabs in flight are cancelled (their ffmpeg killed).
    p.ptz->shutdown();
    p.cache->shutdown();
    if (p.adhoc) p.adhoc->shutdown();
    //    A reload running ends (sped up by the above: streams closed, grabs cancelled) and none
    //    starts again: it reads the cache, cameras and store, so its thread is joined before them.
    p.reloader.reset();
    // 2. Renders running finish; queued ones are dropped, as are renders grab threads post from
    //    now on: the io threads have ended, so no client could receive them.
    p.renders->stop_and_join();
    //    A frame's file being written is finished; queued writes, which hold the context's frame
    //    heads and read the store, are dropped.
    p.file_writes->stop_and_join();
    // 3. Camera lanes end (the exchange running within its deadline; a settle wait at its next poll,
    //    the frame after it cancelled), then grab threads; their answers go to the stopped render
    //    pool or the stopped io contexts.
    p.ptz.reset();
    p.adhoc.reset();
    p.cache.reset();
    // 4. Nothing runs now. Dropped renders hold connections, which belong to the io contexts:
    //    free them before it, then what the routes read, then the server itself.
    p.renders.reset();
    p.file_writes.reset();
    p.router.reset();
    p.context.reset();
    p.server.reset();
    // The server's signal set gave SIGHUP back its default action (terminate): a reload asked
    // for now must not end the process by a signal instead of its exit code.
    std::signal(SIGHUP, SIG_IGN);
}

web::ServerContext& ServeRuntime::context() { return *parts_->context; }

int ServeRuntime::serve() {
    Parts& p = *parts_;
    auto port = p.server->listen();
    if (!port) {
        std::cerr << "ptzgrab: " << port.error().message << ": " << port.error().detail << "\n";
        return exit_usage;
    }
    std::printf("ptzgrab: serving %zu source(s); open %s\n", p.cache->sources()->size(),
                open_url(p.options.bind, *port, !p.context->token.empty()).c_str());
    std::fflush(stdout);
    p.server->run(
        *p.router,
        [&p] {
            p.ptz->shutdown();
            p.cache->shutdown();
            if (p.adhoc) p.adhoc->shutdown();
        },
        [&p] { p.hangup(); });
    return exit_ok;
}

}  // namespace ptzgrab::cli
