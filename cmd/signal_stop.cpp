#include "signal_stop.hpp"

#include <pthread.h>

#include <ctime>

namespace ptzgrab::cli {

SignalStop::SignalStop() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    waiter_ = std::jthread([this](std::stop_token done) {
        const timespec tick{0, 100'000'000};
        while (!done.stop_requested()) {
            int sig = sigtimedwait(&set_, nullptr, &tick);
            if (sig > 0) {
                signal_ = sig;
                stop_.request_stop();
                return;
            }
        }
    });
}

SignalStop::~SignalStop() {
    waiter_.request_stop();
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace ptzgrab::cli
