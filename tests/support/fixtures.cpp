#include "fixtures.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ptzgrab::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> make_environment(const std::map<std::string, std::string>& overrides) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        size_t eq = kv.find('=');
        if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : overrides) {
        if (v.empty()) vars.erase(k); else vars[k] = v;
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Spawns argv in its own process group with stdin from /dev/null and output to files.
pid_t spawn(std::vector<std::string> argv, const std::map<std::string, std::string>& env, const fs::path& out,
            const fs::path& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err == out)
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    else
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<std::string> envs = make_environment(env);
    auto argp = pointers(argv);
    auto envp = pointers(envs);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

// Waits for pid up to `timeout`; kills its group when it runs over. Returns the decoded status.
int wait_or_kill(pid_t pid, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    int status = 0;
    while (true) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0) return -1;
        if (Clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(10ms);
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string python() { return "/usr/bin/python3"; }

void require(bool ok, const std::string& what, const BackgroundProcess& process) {
    if (!ok) throw std::runtime_error(what + "\n--- its log ---\n" + process.log_text());
}

}  // namespace

fs::path source_dir() { return PTZGRAB_SOURCE_DIR; }
fs::path ptzgrab_binary() { return PTZGRAB_BINARY; }

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool wait_for_listen(int port, std::chrono::milliseconds timeout) {
    char wanted[16];
    std::snprintf(wanted, sizeof wanted, ":%04X", port);
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
            std::ifstream in(table);
            std::string line;
            while (std::getline(in, line)) {
                std::istringstream fields(line);
                std::string slot, local, remote, state;
                fields >> slot >> local >> remote >> state;
                if (state == "0A" && local.size() > 5 && local.ends_with(wanted)) return true;
            }
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::vector<pid_t> processes_with_arg(const std::string& needle) {
    std::vector<pid_t> found;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
        std::string cmdline = read_file(entry.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(needle) != std::string::npos && std::stoi(name) != ::getpid()) found.push_back(std::stoi(name));
    }
    return found;
}

ScratchDir::ScratchDir() {
    std::string templ = (fs::temp_directory_path() / "ptzgrab-test-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

bool ScratchDir::empty() const { return fs::is_empty(path_); }

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds timeout) {
    ScratchDir io;
    auto started = Clock::now();
    pid_t pid = spawn(argv, env, io / "out", io / "err");
    CommandResult result;
    result.exit_code = wait_or_kill(pid, timeout);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    result.out = read_file(io / "out");
    result.err = read_file(io / "err");
    return result;
}

CommandResult run_ptzgrab(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds timeout) {
    std::vector<std::string> argv = {ptzgrab_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env, timeout);
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const fs::path& log,
                                     const std::map<std::string, std::string>& env)
    : log_(log) {
    pid_ = spawn(argv, env, log, log);
}

BackgroundProcess::~BackgroundProcess() { stop(); }

bool BackgroundProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
        return false;
    }
    return true;
}

void BackgroundProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    if (wait_or_kill(pid_, 3s) < 0) ::kill(-pid_, SIGKILL);
    ::kill(-pid_, SIGKILL);  // anything the child left in its group
    pid_ = -1;
}

std::string BackgroundProcess::log_text() const { return read_file(log_); }

fs::path make_test_clip(const fs::path& dir, const std::string& size, int seconds, const std::string& name) {
    fs::path out = dir / name;
    auto r = run_command({"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                          "testsrc2=size=" + size + ":rate=25", "-t", std::to_string(seconds), "-pix_fmt",
                          "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", out.string()});
    if (r.exit_code != 0) throw std::runtime_error("ffmpeg could not make a test clip: " + r.err);
    return out;
}

HlsSource::HlsSource(const std::string& size)
    : port_(free_port()),
      writer_({"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi", "-i",
               "testsrc2=size=" + size + ":rate=25", "-c:v", "libx264", "-preset", "ultrafast", "-tune",
               "zerolatency", "-g", "25", "-pix_fmt", "yuv420p", "-f", "hls", "-hls_time", "1", "-hls_list_size",
               "6", "-hls_flags", "delete_segments", (dir_ / "index.m3u8").string()},
              dir_ / "writer.log") {
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{python(), (source_dir() / "scripts/test-servers/http_server.py").string(),
                                 "--port", std::to_string(port_), "--dir", dir_.path().string()},
        dir_ / "server.log");
    require(wait_for_listen(port_, 10s), "the HLS HTTP server did not start", *server_);
    // Wait until the playlist holds at least two segments, as a camera's would.
    auto deadline = Clock::now() + 15s;
    while (Clock::now() < deadline) {
        std::string playlist = read_file(dir_ / "index.m3u8");
        size_t count = 0;
        for (size_t at = playlist.find(".ts"); at != std::string::npos; at = playlist.find(".ts", at + 1)) ++count;
        if (count >= 2) return;
        std::this_thread::sleep_for(100ms);
    }
    require(false, "the HLS writer made no segments", writer_);
}

std::string HlsSource::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/index.m3u8"; }

void HlsSource::stop() {
    server_.reset();
    writer_.stop();
}

RtspSource::RtspSource(const RtspOptions& options)
    : options_(options),
      port_(options.port ? options.port : free_port()),
      server_(
          [&] {
              std::vector<std::string> argv = {python(),
                                               (source_dir() / "scripts/test-servers/rtsp_server.py").string(),
                                               "--port", std::to_string(port_),
                                               "--width", std::to_string(options.width),
                                               "--height", std::to_string(options.height),
                                               "--fps", std::to_string(options.fps)};
              if (!options.user.empty()) argv.insert(argv.end(), {"--user", options.user, "--password", options.password});
              if (options.codec != "h264") argv.insert(argv.end(), {"--codec", options.codec});
              if (options.gop_seconds != 1) argv.insert(argv.end(), {"--gop-seconds", std::to_string(options.gop_seconds)});
              if (options.intra_refresh) argv.push_back("--intra-refresh");
              return argv;
          }(),
          dir_ / "rtsp.log") {
    require(wait_for_listen(port_, 15s), "the RTSP server did not start", server_);
}

std::string RtspSource::url() const { return "rtsp://127.0.0.1:" + std::to_string(port_) + "/stream"; }

std::string RtspSource::url_with_credentials() const {
    return "rtsp://" + options_.user + ":" + options_.password + "@127.0.0.1:" + std::to_string(port_) + "/stream";
}

void RtspSource::stop() { server_.stop(); }

MjpegSource::MjpegSource()
    : port_(free_port()),
      server_({"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi", "-i",
               "testsrc2=size=640x360:rate=10", "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1",
               "http://127.0.0.1:" + std::to_string(port_) + "/"},
              dir_ / "mjpeg.log") {
    require(wait_for_listen(port_, 10s), "the MJPEG server did not start", server_);
}

std::string MjpegSource::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

SilentTcpServer::SilentTcpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0)
        throw std::runtime_error("silent server: cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
        while (!stopping_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                int fd = ::accept(listen_fd_, nullptr, nullptr);
                if (fd >= 0) accepted_.push_back(fd);  // held open, never answered
            }
        }
    });
}

SilentTcpServer::~SilentTcpServer() {
    stopping_ = true;
    thread_.join();
    for (int fd : accepted_) ::close(fd);
    ::close(listen_fd_);
}

fs::path write_script(const fs::path& path, const std::string& body) {
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    return path;
}

}  // namespace ptzgrab::testing
