#pragma once
// Core-internal: what every ffmpeg child does between fork and exec (own process group, no
// inherited signal mask or descriptors, death with ptzgrab). Used with Boost.Process.
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/extend.hpp>
#include <system_error>

namespace ptzgrab {

// Runs in the child between fork and exec: its own process group (so a timeout
// kills ffmpeg and anything it started) and death when the parent dies.
struct ChildSetup : boost::process::extend::handler {
    pid_t parent;
    template <class Executor>
    void on_exec_setup(Executor&) const {
        ::setpgid(0, 0);
        ::signal(SIGPIPE, SIG_DFL);  // an ignored signal stays ignored across exec, and serve ignores this one
        sigset_t none;  // the parent may block signals (ptzgrab snapshot waits for them); ffmpeg must not
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
        // Pipes of grabs started by other threads must not live on in this child,
        // or their readers would wait for EOF until this ffmpeg ends.
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
            for (int fd = 3; fd < 4096; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    // Boost reaps a child whose exec failed only with WNOHANG, which can miss it: no zombie.
    template <class Executor>
    void on_error(Executor& e, const std::error_code&) const {
        if (e.pid > 0) ::waitpid(e.pid, nullptr, 0);
    }
};

}  // namespace ptzgrab
