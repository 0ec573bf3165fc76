#pragma once
// Per-source frame cache: a reader is answered from memory whenever a frame is held (a refresh
// runs behind it), and concurrent requests for a source share one grab (100 clients, one ffmpeg).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "frame.hpp"
#include "grab_request.hpp"
#include "live_options.hpp"
#include "live_stream.hpp"
#include "source_changes.hpp"

namespace ptzgrab {

/// A source's PTZ control endpoint (config "onvif"); the ptz layer speaks to it.
struct OnvifSettings {
    std::string device_url;  // http://HOST[:PORT]/onvif/device_service
    std::string user, password;  // default: the userinfo of the source's stream URL; never printed
    std::string profile;     // media profile token; empty: the first profile with a PTZ configuration

    bool operator==(const OnvifSettings&) const = default;
};

struct SourceConfig {
    std::string name;
    GrabRequest grab;                                   // url, timeout, rtsp transport, warmup
    std::chrono::milliseconds max_age{5000};            // frames younger than this are served from memory
    std::string hls_url;                                // optional live stream for the view page
    RenderOptions render;                               // default size/quality/stamp of this source's JPEG
    LiveOptions live;                                   // off: one-shot grabs; else one ffmpeg held open
    std::optional<OnvifSettings> onvif;                 // set: the camera can be steered (ptz layer)

    bool operator==(const SourceConfig&) const = default;  // equal: a reload keeps the source as it runs
};

/// What a request asks of the cache.
struct FrameWanted {
    bool force_refresh = false;  // a frame grabbed after the request arrived; only this request waits for it
    std::optional<std::chrono::milliseconds> younger_than;  // ?max_age_ms=: waits for the next frame or a refresh
    bool never_wait = false;     // /latest.jpg: any held frame at once, a refresh starts behind it
};

/// What a request gets: a frame (fresh, cached, or an older one marked stale) or an error.
struct Snapshot {
    Frame frame;                                        // decoded, unstamped; variants are rendered from it
    std::shared_ptr<const std::vector<uint8_t>> jpeg;   // the source's default rendering, prepared once
    bool from_cache = false;                            // no grab was started or joined for this request
    bool stale = false;                                 // the last refresh failed; this frame is older than max_age
    std::optional<Error> refresh_error;                 // why, when stale
    std::chrono::milliseconds age{0};                   // of the frame when answered (steady clock)
    bool refreshing = false;                            // past max_age: answered at once, a refresh runs behind it
    bool live = false;                                  // from the source's held-open stream
    uint64_t sequence = 0;                              // live frames: the stream's sequence number
};

struct CacheStats {
    std::string name;
    bool has_frame = false;
    std::chrono::milliseconds age{0};                   // of the held frame
    std::chrono::milliseconds max_age{0};
    uint64_t hits = 0, misses = 0, grabs = 0, failures = 0;
    std::optional<Error> last_error;                    // messages are masked already
    size_t bytes_held = 0;                              // decoded + encoded bytes of the held frame
    bool grab_in_flight = false;
    uint64_t evictions = 0;                             // frames dropped to stay inside the memory budget
    std::optional<LiveStatus> live;                     // live sources (enable_live): the stream's state
};

/// What held frames (decoded pixels plus the prepared JPEG) may take across all sources.
/// A 1080p frame holds about 6.6 MB, a 4K one 26 MB: 512 MiB is ~75 1080p or ~19 4K sources.
constexpr size_t default_frame_memory_budget_bytes = size_t{512} * 1024 * 1024;

class FrameCache {
public:
    using GrabFunction = std::function<Result<Frame>(const GrabRequest&, std::stop_token)>;
    using Callback = std::function<void(Result<Snapshot>)>;
    using FrameListener = std::function<void(const SourceConfig&, const Snapshot&)>;
    /// Expiry runs on the steady clock: a wall clock stepped by NTP must not freeze or flush frames.
    using Clock = std::chrono::steady_clock;

    /// `stale_limit`: how old a last good frame may be and still stand in, for a failed refresh
    /// or while a refresh runs. Each source's grabs run on its own lane (one thread, started on
    /// first use), one at a time: a hanging camera never delays another source.
    FrameCache(std::vector<SourceConfig> sources, GrabFunction grab,
               std::chrono::milliseconds stale_limit = std::chrono::minutes(5),
               std::function<Clock::time_point()> now = Clock::now);
    /// Cancels grabs in flight (their ffmpeg is killed); closes the live streams (children reaped,
    /// pending waits answered `cancelled`), joins their io thread, then joins the lanes.
    ~FrameCache();
    FrameCache(const FrameCache&) = delete;
    FrameCache& operator=(const FrameCache&) = delete;

    /// Calls `done` exactly once: at once from memory (on the caller's thread), or on the source's
    /// lane when the grab it waits for ends. A held frame past max_age (within stale_limit) is
    /// answered at once marked `refreshing`, and one refresh starts behind it. Only a source with no
    /// frame to stand in makes a request wait. An unknown source gets ErrorKind::invalid_input.
    void get(const std::string& source, bool force_refresh, Callback done);
    /// The same, asking more than freshness: see FrameWanted. A live source answers from its
    /// stream: the newest frame while the stream runs (rendered once per frame on the source's
    /// lane, never on the caller's thread); the first frame within the source's timeout when it
    /// has none yet; while it is not live (a cold start, a planned restart, down) a held frame
    /// younger than max_age, or any for never_wait, at once, marked refreshing (stale when the
    /// stream failed); older: the last frame marked stale (within stale_limit) while it is down, then the
    /// error. `done` may then run on the caller's thread, the lane or the live io thread.
    void get(const std::string& source, const FrameWanted& wanted, Callback done);
    /// Live sources: calls `done` once with the first frame whose sequence is above `after_sequence`,
    /// rendered with the source's defaults once for every caller (MJPEG viewers). invalid_input for
    /// a source that is not live; timeout when no frame comes within `timeout`; the stream's error
    /// at once while it is down (never an older frame standing in). `done` runs on the lane, the io
    /// thread or this thread.
    void next(const std::string& source, uint64_t after_sequence, std::chrono::milliseconds timeout, Callback done);
    /// A viewer of a live source: keeps it awake while the lease lives; fps > 0 asks for all-frames
    /// decoding. Null for an unknown or one-shot source.
    std::shared_ptr<void> watch(const std::string& source, double fps = 0);
    /// Holds one ffmpeg open per source whose live mode is not off (`always` ones start now), all read
    /// on one io thread the cache owns. Without this call every source is grabbed one-shot. Call it
    /// once, before serving; the streams are stopped and reaped by ~FrameCache.
    void enable_live(const std::string& ffmpeg);
    /// Blocking form of get(), for the CLI and tests.
    Result<Snapshot> get_blocking(const std::string& source, bool force_refresh);
    Result<Snapshot> get_blocking(const std::string& source, const FrameWanted& wanted);

    /// Drops held frames (all sources when `source` is empty); returns the names dropped.
    std::vector<std::string> clear(const std::string& source = {});
    std::vector<CacheStats> stats() const;
    /// The sources as configured now, any thread: a snapshot that a later reconfigure() does not change.
    std::shared_ptr<const std::vector<SourceConfig>> sources() const;
    /// One source of the current snapshot (it keeps the snapshot alive); null if unknown.
    std::shared_ptr<const SourceConfig> find(const std::string& name) const;
    /// A config reload. Sources equal to the running ones keep their frames, stream (same child),
    /// viewers and lane; the others stop: grabs cancelled, stream closed and its child reaped, lane
    /// joined, later calls for them answered as for an unknown source (waits in flight: cancelled).
    /// New and changed sources start (`always` streams at once). Blocks up to a stop grace while
    /// children end: call it off the io threads; one reconfigure at a time. `cancelled` once shut down.
    Result<SourceChanges> reconfigure(std::vector<SourceConfig> sources);
    /// Called after every good grab, outside the cache's lock (the disk writer hooks in here).
    void set_frame_listener(FrameListener listener);
    /// Past the budget the least recently asked-for frames are dropped (a later request grabs anew);
    /// the newest frame is always kept, even alone over the budget.
    void set_memory_budget(size_t bytes);
    /// Cancels grabs in flight; later get() calls fail with ErrorKind::cancelled. Live waits fail
    /// cancelled at once and live children are sent SIGTERM (reaped later). Never blocks for long.
    void shutdown();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ptzgrab
