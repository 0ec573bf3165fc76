#pragma once
// One poll-until-true for tests that wait on another thread or process, so every such wait has a
// timeout and none sleeps a fixed time instead.
#include <chrono>
#include <thread>

namespace ptzgrab::testing {

/// Polls `check` every `poll_interval` until it holds (true) or `timeout` passes (false).
template <class Check>
bool eventually(Check check, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll_interval = std::chrono::milliseconds(50)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!check()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(poll_interval);
    }
    return true;
}

}  // namespace ptzgrab::testing
