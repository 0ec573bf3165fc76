#pragma once
// One long-running ffmpeg per live source: the newest JPEG is always in memory, so a snapshot
// costs neither an ffmpeg start nor a keyframe wait. A watchdog restarts a child that dies or stalls.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "grab_request.hpp"
#include "live_options.hpp"
#include "live_policy.hpp"

namespace boost::asio {
class io_context;
}

namespace ptzgrab {

/// A picture as ffmpeg wrote it (checked to be a whole JPEG of sane size, not decoded yet).
struct LiveFrame {
    uint64_t sequence = 0;  // 1, 2, 3 ... for the life of the LiveStream, across child restarts
    std::shared_ptr<const std::vector<uint8_t>> jpeg;
    std::chrono::steady_clock::time_point arrived;     // when its last byte came off the pipe
    std::chrono::system_clock::time_point arrived_wall;  // the same moment, for the stamp and headers
};

/// What a snapshot request needs to know, read cheaply (no /proc read, no copies of the log).
struct LivePeek {
    std::shared_ptr<const LiveFrame> frame;  // the newest, or null before the first
    bool live = false;                       // a child runs and the frame is younger than the stall limit
    std::optional<Error> last_error;         // while the stream is down (failed, no frame since): why, masked
};

enum class LiveState { idle, starting, running, backoff };
std::string_view to_string(LiveState state);  // "idle", "starting", "running", "backoff"

struct LiveStatus {
    LiveMode mode = LiveMode::off;
    LiveState state = LiveState::idle;
    LiveDecode decoding = LiveDecode::keyframes;  // what the child does now
    bool fell_back_to_all_frames = false;         // keyframes gave nothing (intra refresh, broken IDR)
    uint64_t frames = 0;                          // received, across restarts
    uint64_t restarts = 0;
    std::optional<std::chrono::milliseconds> last_frame_age;
    std::optional<std::chrono::milliseconds> keyframe_interval;  // observed between frames in keyframe mode
    int viewers = 0;
    double child_cpu_seconds = 0;                 // user+system of the running child (and of past ones)
    std::optional<Error> last_error;              // why the last child failed or was restarted, masked;
                                                  // cleared when a new child gives its first frame
    std::vector<std::string> stderr_tail;         // ffmpeg's last lines, masked
};

/// Thread-safe; every callback runs on the io_context's thread. The destructor stops the child
/// (SIGTERM to its process group, SIGKILL after a grace), reaps it, and fails pending waits with
/// ErrorKind::cancelled; it must run while the io_context is still running or already stopped.
/// Children are started on the io thread, and PR_SET_PDEATHSIG kills them when that thread ends:
/// run the io_context on a thread that lives as long as the streams.
class LiveStream {
public:
    using FrameCallback = std::function<void(Result<std::shared_ptr<const LiveFrame>>)>;

    /// `timings`: the watchdog's and backoff's rules (live_policy.hpp); tests shorten them.
    LiveStream(boost::asio::io_context& io, std::string ffmpeg, GrabRequest request, LiveOptions options,
               LiveTimings timings = {});
    ~LiveStream();
    LiveStream(const LiveStream&) = delete;
    LiveStream& operator=(const LiveStream&) = delete;

    /// The newest frame, or null before the first. Never waits.
    std::shared_ptr<const LiveFrame> newest() const;
    /// The newest frame and whether it is live now. Never waits; cheap enough for every request.
    LivePeek peek() const;

    /// A request for this source: keeps an on_demand stream awake, and starts it when idle.
    void touch();

    /// Calls `done` once with the first frame whose sequence is above `after_sequence`. Fails with
    /// timeout when none arrives in `timeout`, and at once with the child's error when it ends before
    /// giving one (a refused connection must not cost the whole timeout). Starts an idle stream.
    void wait_frame(uint64_t after_sequence, std::chrono::milliseconds timeout, FrameCallback done);

    /// A viewer keeps the stream awake while the returned lease lives. `fps` > 0 asks for all-frames
    /// decoding at that rate while it watches (the highest asked for wins).
    std::shared_ptr<void> add_viewer(double fps = 0);

    LiveStatus status() const;

    /// Any thread, never blocks (the server's io thread calls it on SIGTERM): fails pending waits
    /// with ErrorKind::cancelled (on the io thread), refuses later ones, and sends SIGTERM to the
    /// child's process group; the watchdog reaps it (SIGKILL after the grace), or the destructor.
    void close();

    /// Blocks up to the stop grace: close(), then the child killed and reaped now, with no lock held
    /// while it waits (the io thread serves the other streams meanwhile). The destructor does the
    /// same; an owner that drops a stream others may still hold calls it, so their last reference
    /// frees it at once, on whatever thread.
    void stop();

    /// `always` streams call this at boot; on_demand ones start on touch/wait_frame/add_viewer.
    void start();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

/// What LiveStream learnt about a source that changes its child's argv.
struct LiveArgvTweaks {
    bool reencode_http = false;        // an http:// source whose copied stream held no JPEG (not MJPEG)
    bool show_damaged_frames = false;  // all-frames fall-back: pictures before a keyframe (intra refresh)
};

/// ffmpeg's argv for a live child writing JPEGs to stdout (image2pipe), for tests and `ptzgrab info`.
/// An http:// source is copied (-c:v copy, MJPEG) unless tweaks say otherwise.
Result<std::vector<std::string>> build_live_argv(const std::string& ffmpeg, const GrabRequest& request,
                                                 LiveDecode decode, double fps, LiveArgvTweaks tweaks = {});

}  // namespace ptzgrab
