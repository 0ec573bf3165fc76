#include "source_lane.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace ptzgrab {

SourceLane::SourceLane() = default;

SourceLane::~SourceLane() { join(); }

bool SourceLane::post(std::function<void()> work) {
    std::lock_guard lock(mutex_);
    if (joined_) return false;
    if (!thread_) thread_ = std::make_unique<boost::asio::thread_pool>(1);
    boost::asio::post(*thread_, std::move(work));
    return true;
}

void SourceLane::join() {
    std::unique_ptr<boost::asio::thread_pool> thread;
    {
        std::lock_guard lock(mutex_);
        joined_ = true;
        thread = std::move(thread_);
    }
    // Outside the lock: the work being joined may post to this lane (it is then dropped).
    if (thread) thread->join();
}

}  // namespace ptzgrab
