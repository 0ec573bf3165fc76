#pragma once
// One thread for one source's work (its grabs, its renders), started on first use: a camera
// that hangs holds only its own lane and never delays another source.
#include <functional>
#include <memory>
#include <mutex>

namespace boost::asio {
class thread_pool;
}

namespace ptzgrab {

/// Thread-safe. Work runs in the order posted, one item at a time, on the lane's thread; work
/// must not throw. The destructor waits for the work posted so far.
class SourceLane {
public:
    SourceLane();
    ~SourceLane();
    SourceLane(const SourceLane&) = delete;
    SourceLane& operator=(const SourceLane&) = delete;

    /// False (and `work` dropped) once the lane is joined: its owner is tearing down.
    bool post(std::function<void()> work);
    /// Waits for the work posted so far; post() after join() is not allowed.
    void join();

private:
    std::mutex mutex_;
    // mutex_ protects the following state.
    std::unique_ptr<boost::asio::thread_pool> thread_;  // null until the first post
    bool joined_ = false;
};

}  // namespace ptzgrab
