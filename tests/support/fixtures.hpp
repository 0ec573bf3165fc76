#pragma once
// Real sources on loopback for tests: each starts in its constructor and is gone after its destructor.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace ptzgrab::testing {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

fs::path source_dir();      // the project's source tree
fs::path ptzgrab_binary();  // the built ptzgrab
int free_port();            // a loopback TCP port nobody listens on right now
/// True once something LISTENs on 127.0.0.1:port (read from /proc/net/tcp, so nothing connects).
bool wait_for_listen(int port, std::chrono::milliseconds timeout);
/// Processes whose command line contains `needle` (to prove none was left running).
std::vector<pid_t> processes_with_arg(const std::string& needle);

/// A fresh private directory, removed with everything in it.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }
    bool empty() const;

private:
    fs::path path_;
};

struct CommandResult {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{0};
};

/// Runs argv (no shell) with extra/overridden environment variables ("" value = unset).
CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          std::chrono::milliseconds timeout = 60s);
CommandResult run_ptzgrab(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                          std::chrono::milliseconds timeout = 60s);

/// A child in its own process group, output to a log file; SIGTERM then SIGKILL on stop.
class BackgroundProcess {
public:
    BackgroundProcess(const std::vector<std::string>& argv, const fs::path& log,
                      const std::map<std::string, std::string>& env = {});
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;
    bool running();
    void stop();
    pid_t pid() const { return pid_; }
    /// How it ended, once running() has seen it end: the exit code, 128+N when killed by signal N; -1 before.
    int exit_code() const { return exit_code_; }
    std::string log_text() const;

private:
    pid_t pid_ = -1;
    int exit_code_ = -1;
    fs::path log_;
};

/// A video file made with ffmpeg's lavfi testsrc2.
fs::path make_test_clip(const fs::path& dir, const std::string& size = "640x360", int seconds = 2,
                        const std::string& name = "clip.mp4");

/// A live HLS stream (ffmpeg's hls muxer, real time) served over HTTP with CORS.
class HlsSource {
public:
    explicit HlsSource(const std::string& size = "640x360");
    std::string url() const;  // the .m3u8
    void stop();              // the source goes offline (HTTP server gone)

private:
    ScratchDir dir_;
    int port_;
    BackgroundProcess writer_;
    std::unique_ptr<BackgroundProcess> server_;
};

struct RtspOptions {
    int width = 640, height = 360, fps = 10;
    std::string user, password;  // set both to require auth
    std::string codec = "h264";  // or "h265"
    double gop_seconds = 1;      // keyframe interval
    bool intra_refresh = false;  // h264: intra refresh, no keyframe after the first (with a huge gop)
    int port = 0;                // 0: a free one; else this one (a server restarted on its old port)
};

/// A real RTSP server (GStreamer's gst-rtsp-server, scripts/test-servers/rtsp_server.py), H.264 or H.265.
class RtspSource {
public:
    explicit RtspSource(const RtspOptions& options = {});
    std::string url() const;                  // without credentials
    std::string url_with_credentials() const;
    void stop();
    int port() const { return port_; }
    pid_t pid() const { return server_.pid(); }  // SIGSTOP it to make the server hang

private:
    ScratchDir dir_;
    RtspOptions options_;
    int port_;
    BackgroundProcess server_;
};

/// MJPEG over HTTP: ffmpeg's mpjpeg muxer listening for one client.
class MjpegSource {
public:
    MjpegSource();
    std::string url() const;

private:
    ScratchDir dir_;
    int port_;
    BackgroundProcess server_;
};

/// A TCP port that accepts connections and never says a word.
class SilentTcpServer {
public:
    SilentTcpServer();
    ~SilentTcpServer();
    int port() const { return port_; }

private:
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::vector<int> accepted_;
    std::thread thread_;
};

/// Writes an executable shell script (a fake ffmpeg for faults that cannot be made real).
fs::path write_script(const fs::path& path, const std::string& body);

}  // namespace ptzgrab::testing
