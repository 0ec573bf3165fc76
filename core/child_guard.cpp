#include "child_guard.hpp"

#include <signal.h>

#include <atomic>

#include "process.hpp"

namespace ptzgrab {
namespace {

std::atomic<int> running_children{0};

}  // namespace

int running_child_processes() { return running_children.load(); }

ChildGuard::ChildGuard(pid_t pid, std::function<void()> reap) : pid_(pid), reap_(std::move(reap)) {
    ++running_children;
}

ChildGuard::~ChildGuard() {
    if (reaped_) return;
    kill_group();
    reap();
}

void ChildGuard::kill_group() const {
    ::kill(-pid_, SIGKILL);  // fails harmlessly if the child has not called setpgid yet
    ::kill(pid_, SIGKILL);
}

void ChildGuard::reap() {
    if (reaped_) return;
    reaped_ = true;
    try {
        reap_();
    } catch (...) {  // a destructor may call this: nothing leaves it
    }
    --running_children;
}

}  // namespace ptzgrab
