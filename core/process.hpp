#pragma once
// Running a child program is a seam: grabs use it, tests may replace it.
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "error.hpp"

namespace ptzgrab {

struct ProcessSpec {
    std::vector<std::string> argv;             // argv[0] is the program's path; no shell ever
    std::chrono::milliseconds deadline{10'000};  // after it the whole process group is killed
    size_t output_limit_bytes = 16 * 1024;     // only the tail of stdout/stderr is kept
};

struct ProcessOutcome {
    int exit_code = -1;         // 128+N when killed by signal N
    bool timed_out = false;
    bool cancelled = false;     // the stop_token fired
    std::string stdout_tail;
    std::string stderr_tail;
    std::chrono::milliseconds elapsed{0};
};

class ProcessRunner {
public:
    virtual ~ProcessRunner() = default;
    /// Always returns with the child reaped. An error only when it could not be started.
    virtual Result<ProcessOutcome> run(const ProcessSpec& spec, std::stop_token stop = {}) = 0;
};

/// The real runner: Boost.Process, stdin from /dev/null, own process group,
/// killed with SIGKILL if ptzgrab dies.
std::unique_ptr<ProcessRunner> make_process_runner();

/// Children started by any real runner that have not been reaped yet (for /metrics).
int running_child_processes();

}  // namespace ptzgrab
