#include "signal_stop.hpp"

#include <pthread.h>


namespace ptzgrab::cli {

SignalStop::SignalStop() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGHUP);
    sigaddset(&set_, wake_signal);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    waiter_ = std::thread([this] {
        int sig = 0;
        while (sigwait(&set_, &sig) != 0) {
        }
        if (sig == wake_signal) return;  // the destructor: nothing was received
        signal_ = sig;
        stop_.request_stop();
    });
}

SignalStop::~SignalStop() {
    if (signal_.load() == 0) pthread_kill(waiter_.native_handle(), wake_signal);
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace ptzgrab::cli
