#pragma once
// Grabs of ?url= sources (only with --allow-any-url): off the io threads, bounded in number,
// cancelled at shutdown. They are not cached: the cache holds configured sources only.
#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>

#include "core/frame_cache.hpp"

namespace ptzgrab::web {

class AdhocGrabs {
public:
    using Done = std::function<void(Result<Frame>)>;
    /// At most `max_in_flight` ad-hoc grabs run or wait at once; more are refused at once.
    AdhocGrabs(FrameCache::GrabFunction grab, int threads = 2, int max_in_flight = 8);
    ~AdhocGrabs();  // cancels and waits
    AdhocGrabs(const AdhocGrabs&) = delete;
    AdhocGrabs& operator=(const AdhocGrabs&) = delete;

    /// Calls `done` exactly once, from a grab thread (or at once when refused).
    void grab(GrabRequest request, Done done);
    void shutdown();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ptzgrab::web
