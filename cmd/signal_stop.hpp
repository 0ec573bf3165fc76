#pragma once
// Ctrl-C or `timeout` during a one-shot grab: stop it through its stop_token, so ffmpeg is
// killed and the temp folder removed, instead of dying with them left behind.
#include <atomic>
#include <csignal>
#include <stop_token>
#include <thread>

namespace ptzgrab::cli {

class SignalStop {
public:
    SignalStop();   // blocks SIGINT, SIGTERM and SIGHUP; a thread waits for them
    ~SignalStop();  // restores the signal mask
    SignalStop(const SignalStop&) = delete;
    SignalStop& operator=(const SignalStop&) = delete;

    std::stop_token token() const { return stop_.get_token(); }
    int signal_received() const { return signal_.load(); }  // 0 if none

private:
    sigset_t set_{}, previous_{};
    std::stop_source stop_;
    std::atomic<int> signal_{0};
    static constexpr int wake_signal = SIGUSR1;  // sent by the destructor to end the waiter
    std::thread waiter_;
};

}  // namespace ptzgrab::cli
