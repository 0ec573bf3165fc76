#pragma once
// A started child is owned until it is reaped: however the runner leaves it (an exception
// included), its whole process group is killed if still running, it is reaped, and it leaves
// the running-children count (running_child_processes() in process.hpp).
#include <sys/types.h>

#include <functional>

namespace ptzgrab {

class ChildGuard {
public:
    /// Counts `pid` (a process group leader) as running. `reap` waits for it; the runner passes
    /// Boost.Process's wait, so that Boost's own record of the child agrees.
    ChildGuard(pid_t pid, std::function<void()> reap);
    ~ChildGuard();  // kill_group() and reap(), unless reaped already
    ChildGuard(const ChildGuard&) = delete;
    ChildGuard& operator=(const ChildGuard&) = delete;

    /// SIGKILL to the child's process group (ffmpeg and anything it started), and to the child.
    void kill_group() const;
    /// Waits for the child to end; once, later calls do nothing.
    void reap();

private:
    pid_t pid_;
    std::function<void()> reap_;
    bool reaped_ = false;
};

}  // namespace ptzgrab
