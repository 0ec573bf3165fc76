#pragma once
// Core-internal: one running live ffmpeg, its pipes on an io_context, and how it is stopped and
// reaped without blocking a thread. LiveStream owns the current one; pending reads hold it too,
// so its pipes and buffers outlive every read in flight. Pipes are touched only on the io thread.
#include <sys/types.h>

#include <array>
#include <boost/process/async_pipe.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_guard.hpp"
#include "error.hpp"
#include "jpeg_splitter.hpp"
#include "live_options.hpp"

namespace ptzgrab {

/// The largest picture a live child may write; anything longer is dropped by the splitter.
constexpr size_t live_frame_limit_bytes = 32 * 1024 * 1024;
/// ffmpeg's stderr kept per child for the error's classification (the tail only).
constexpr size_t live_stderr_limit_bytes = 16 * 1024;

struct LiveChild {
    using Clock = std::chrono::steady_clock;
    enum class StopReason { none, idle, stall, first_frame_timeout, restart, closing };

    LiveChild(boost::asio::io_context& io, pid_t pid_, boost::process::async_pipe out_, boost::process::async_pipe err_);

    pid_t pid;
    boost::process::async_pipe out, err;
    ChildGuard guard;  // counted in running_child_processes() until reaped
    std::array<uint8_t, 64 * 1024> out_buffer{};
    std::array<char, 4096> err_buffer{};
    JpegSplitter splitter;
    std::vector<std::vector<uint8_t>> cut;  // pictures the splitter cut from the last read

    LiveDecode decoding = LiveDecode::keyframes;
    double fps = 1;
    bool copied = false;  // -c:v copy (an http source)
    std::string stderr_tail;  // raw, bounded; masked before anything shows it
    std::string stderr_line;  // the line being read

    Clock::time_point started = Clock::now();
    std::optional<Clock::time_point> first_frame, last_frame, pipes_closed_at, term_sent_at;
    bool out_closed = false, err_closed = false, killed = false;
    StopReason stop_reason = StopReason::none;

    bool reaped = false;
    int exit_code = -1;  // 128+N when killed by signal N
    double cpu_seconds = 0;  // from wait4's rusage once reaped
};

/// Starts `argv` (stdin /dev/null, stdout and stderr on pipes, own process group, dies with ptzgrab).
Result<std::shared_ptr<LiveChild>> spawn_live_child(boost::asio::io_context& io, const std::vector<std::string>& argv);

/// SIGTERM (or SIGKILL) to the child's process group and the child. Does nothing once reaped.
void signal_child(LiveChild& child, int signal);

/// Reaps the child if it has ended: true once reaped (exit_code and cpu_seconds set). Never blocks.
bool try_reap(LiveChild& child);

/// SIGTERM, then until `kill_at` for it to end, then SIGKILL; always reaped when this returns.
/// Blocks: only for teardown, where no io thread may be left to do it. Streams closed together
/// share one `kill_at`, so their children end in parallel, not one grace after another.
void stop_and_reap_now(LiveChild& child, LiveChild::Clock::time_point kill_at);

/// User plus system CPU seconds of a running process, from /proc/PID/stat (0 when unreadable).
double process_cpu_seconds(pid_t pid);

}  // namespace ptzgrab
