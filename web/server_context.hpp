#pragma once
// Everything the routes work with: the cache, counters, settings, and the seams a test replaces.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "access_log.hpp"
#include "adhoc_grabs.hpp"
#include "card_cache.hpp"
#include "core/ffmpeg_locator.hpp"
#include "core/frame_cache.hpp"
#include "core/process.hpp"
#include "frame_heads.hpp"
#include "metrics.hpp"
#include "request_guard.hpp"
#include "static_files.hpp"
#include "render_pool.hpp"
#include "viewers.hpp"

namespace ptzgrab::web {

class PtzCameras;  // ptz_cameras.hpp

struct ServerContext {
    FrameCache& cache;
    Metrics& metrics;
    AdhocGrabs* adhoc = nullptr;  // null: ?url= is refused (no --allow-any-url)
    FfmpegInfo ffmpeg;
    std::filesystem::path static_dir{};                        // where latest frames should go
    std::function<std::filesystem::path()> frames_directory{};  // where they go now (a fallback, maybe)
    AssetStore assets{};  // /assets/, in memory: AssetStore::load(folder) before serving
    std::string token{};  // empty: no authentication
    HostPolicy hosts{};  // names accepted in Host besides IP literals and localhost
    LogSink log = stderr_log_sink();
    std::function<int()> running_ffmpeg = running_child_processes;
    std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
    /// Renders CPU-heavy answers (resized and re-encoded variants) off the io threads, then sends
    /// them; a render that throws is answered 500. Inline by default; a RenderPool in `serve`.
    std::function<void(RenderAnswer, SendAnswer)> offload = render_and_send;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    CardCache cards{};  // diagnostic cards, drawn through `offload`
    Viewers viewers{};  // /stream/mjpeg's caps: serve --max-viewers-per-source, --max-viewers
    PtzCameras* ptz = nullptr;  // null: no source can be steered (/ptz/ answers 409)
    FrameHeads frame_heads{};   // the header lines of each source's current frame
};

}  // namespace ptzgrab::web
