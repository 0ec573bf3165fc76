#include "live_child.hpp"

#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_setup.hpp"

namespace ptzgrab {
namespace {

namespace bp = boost::process;

int decode_status(int native) {
    if (WIFEXITED(native)) return WEXITSTATUS(native);
    if (WIFSIGNALED(native)) return 128 + WTERMSIG(native);
    return -1;
}

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

// One wait4; `options` WNOHANG or 0.
bool reap_with(LiveChild& child, int options) {
    if (child.reaped) return true;
    int status = 0;
    rusage usage{};
    pid_t got;
    do got = ::wait4(child.pid, &status, options, &usage);
    while (got == -1 && errno == EINTR);  // a signal is no reaping: wait again
    if (got == 0) return false;
    child.reaped = true;
    if (got == child.pid) {
        child.exit_code = decode_status(status);
        child.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    }
    child.guard.reap();  // leaves the running count; its own wait finds the child gone
    return true;
}

}  // namespace

LiveChild::LiveChild(boost::asio::io_context&, pid_t pid_, bp::async_pipe out_, bp::async_pipe err_)
    : pid(pid_),
      out(std::move(out_)),
      err(std::move(err_)),
      guard(pid_, [this] { reap_with(*this, 0); }),
      splitter(live_frame_limit_bytes, [this](std::vector<uint8_t> jpeg) { cut.push_back(std::move(jpeg)); }) {}

Result<std::shared_ptr<LiveChild>> spawn_live_child(boost::asio::io_context& io, const std::vector<std::string>& argv) {
    if (argv.empty()) return make_error(ErrorKind::invalid_input, "empty command line");
    try {
        bp::async_pipe out(io), err(io);
        std::error_code ec;
        std::vector<std::string> args(argv.begin() + 1, argv.end());
        // A bare name ("ffmpeg") is looked up on PATH, as a shell would.
        std::string program = argv.front();
        if (program.find('/') == std::string::npos) {
            auto found = bp::search_path(program);
            if (found.empty()) return make_error(ErrorKind::ffmpeg_missing, "no " + program + " on PATH");
            program = found.string();
        }
        bp::child child(bp::exe = program, bp::args = args, bp::std_in < bp::null, bp::std_out > out,
                        bp::std_err > err, ChildSetup{{}, ::getpid()}, ec);
        if (ec) return make_error(ErrorKind::io_error, "cannot start " + argv.front(), ec.message());
        pid_t pid = child.id();
        child.detach();  // LiveChild reaps it with wait4, never Boost
        return std::make_shared<LiveChild>(io, pid, std::move(out), std::move(err));
    } catch (const std::exception& e) {  // pipe() or fork() failed: out of descriptors or memory
        return make_error(ErrorKind::io_error, "cannot start " + argv.front(), e.what());
    }
}

void signal_child(LiveChild& child, int signal) {
    if (child.reaped) return;
    ::kill(-child.pid, signal);
    ::kill(child.pid, signal);
}

bool try_reap(LiveChild& child) { return reap_with(child, WNOHANG); }

void stop_and_reap_now(LiveChild& child, LiveChild::Clock::time_point kill_at) {
    if (child.reaped) return;
    signal_child(child, SIGTERM);
    while (!try_reap(child) && LiveChild::Clock::now() < kill_at)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (child.reaped) return;
    signal_child(child, SIGKILL);
    reap_with(child, 0);
}

double process_cpu_seconds(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {  // field 3 is the state
        if (index == 14) utime = std::atoll(field.c_str());
        if (index == 15) {
            stime = std::atoll(field.c_str());
            break;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace ptzgrab
