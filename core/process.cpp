#include "process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/process.hpp>
#include <thread>

#include "child_guard.hpp"
#include "child_setup.hpp"

namespace ptzgrab {
namespace {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Reads a pipe to EOF keeping only the last `limit` bytes.
class TailReader {
public:
    TailReader(bp::async_pipe& pipe, std::string& sink, size_t limit)
        : pipe_(pipe), sink_(sink), limit_(limit) {}
    void start() {
        pipe_.async_read_some(boost::asio::buffer(buffer_), [this](auto ec, size_t n) {
            sink_.append(buffer_.data(), n);
            if (sink_.size() > limit_) sink_.erase(0, sink_.size() - limit_);
            if (ec) {
                done_ = true;
                return;
            }
            start();
        });
    }
    bool done() const { return done_; }

private:
    bp::async_pipe& pipe_;
    std::string& sink_;
    size_t limit_;
    std::array<char, 4096> buffer_{};
    bool done_ = false;
};

int decode_status(int native) {
    if (WIFEXITED(native)) return WEXITSTATUS(native);
    if (WIFSIGNALED(native)) return 128 + WTERMSIG(native);
    return -1;
}

class BoostProcessRunner final : public ProcessRunner {
public:
    Result<ProcessOutcome> run(const ProcessSpec& spec, std::stop_token stop) override {
        if (spec.argv.empty()) return make_error(ErrorKind::invalid_input, "empty command line");
        try {
            return run_child(spec, stop);
        } catch (const std::exception& e) {  // pipe() or fork() failed: out of descriptors or memory
            return make_error(ErrorKind::io_error, "cannot start " + spec.argv.front(), e.what());
        }
    }

private:
    static Result<ProcessOutcome> run_child(const ProcessSpec& spec, std::stop_token stop) {
        auto started = Clock::now();
        auto deadline = started + spec.deadline;
        boost::asio::io_context io;
        bp::async_pipe out_pipe(io), err_pipe(io);
        std::error_code ec;
        std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
        bp::child child(bp::exe = spec.argv.front(), bp::args = args, bp::std_in < bp::null,
                        bp::std_out > out_pipe, bp::std_err > err_pipe,
                        ChildSetup{{}, ::getpid()}, ec);
        if (ec) {
            return make_error(ErrorKind::io_error, "cannot start " + spec.argv.front(), ec.message());
        }
        // From here on, however this function is left, the child's group is killed and reaped.
        ChildGuard guard(child.id(), [&child] {
            std::error_code ignored;
            child.wait(ignored);
        });
        ProcessOutcome outcome;
        TailReader out_reader(out_pipe, outcome.stdout_tail, spec.output_limit_bytes);
        TailReader err_reader(err_pipe, outcome.stderr_tail, spec.output_limit_bytes);
        out_reader.start();
        err_reader.start();

        // Wait for both pipes to close, the deadline, or a stop request.
        while (!(out_reader.done() && err_reader.done())) {
            io.run_for(20ms);
            if (io.stopped()) io.restart();
            if (stop.stop_requested()) { outcome.cancelled = true; break; }
            if (Clock::now() >= deadline) { outcome.timed_out = true; break; }
        }
        // Pipes closed but the child may linger a moment; it still owes us the deadline.
        while (!outcome.timed_out && !outcome.cancelled && child.running(ec)) {
            if (stop.stop_requested()) outcome.cancelled = true;
            else if (Clock::now() >= deadline) outcome.timed_out = true;
            else std::this_thread::sleep_for(1ms);
        }
        if (outcome.timed_out || outcome.cancelled) guard.kill_group();
        guard.reap();
        outcome.exit_code = decode_status(child.native_exit_code());
        outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        return outcome;
    }
};

}  // namespace

std::unique_ptr<ProcessRunner> make_process_runner() { return std::make_unique<BoostProcessRunner>(); }

}  // namespace ptzgrab
