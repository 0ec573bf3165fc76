#pragma once
// Everything `ptzgrab serve` runs, owned in one place. Its destructor is the one place that tears
// down: it stops and joins every pool (grabs, ?url= grabs, renders) and the config-reload thread
// before it frees what their work reads (source configs, the router, the io contexts that answer
// are posted to).
#include <functional>
#include <memory>
#include <vector>

#include "core/frame_cache.hpp"
#include "serve_command.hpp"
#include "web/server_context.hpp"

namespace ptzgrab::cli {

class ServeRuntime {
public:
    /// Reads the sources again for a reload (the --config file); none: SIGHUP has nothing to reload.
    using LoadSources = std::function<Result<std::vector<SourceConfig>>()>;

    ServeRuntime(const ServeOptions& options, std::vector<SourceConfig> sources, LoadSources reload = {});
    ~ServeRuntime();
    ServeRuntime(const ServeRuntime&) = delete;
    ServeRuntime& operator=(const ServeRuntime&) = delete;

    /// The routes' settings; the caller may fill in the rest (token, folders) before serve().
    web::ServerContext& context();
    /// Listens, prints where to look, serves until SIGINT or SIGTERM (a second one: at once), reloads
    /// on SIGHUP; the exit code.
    int serve();

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace ptzgrab::cli
