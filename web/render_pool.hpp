#pragma once
// CPU-heavy answers (resized and re-encoded variants, cards) are rendered here, never on an io
// thread. No exception leaves a render: a render that throws is answered 500, and the pool lives on.
#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "http_types.hpp"

namespace ptzgrab::web {

using RenderAnswer = std::function<Response()>;
using SendAnswer = std::function<void(Response)>;

/// Calls `send` exactly once with what `render` returns, or with a 500 when `render` throws.
/// Never throws: what `send` itself throws is reported on stderr and dropped.
void render_and_send(const RenderAnswer& render, const SendAnswer& send) noexcept;

class RenderPool {
public:
    explicit RenderPool(int threads);
    ~RenderPool();  // stop_and_join()
    RenderPool(const RenderPool&) = delete;
    RenderPool& operator=(const RenderPool&) = delete;

    /// Any thread: queues render_and_send(render, send) on the pool.
    void offload(RenderAnswer render, SendAnswer send);
    /// Any thread: queues work that answers no one (a frame's file, which may wait on the disk).
    /// What it throws is reported on stderr and dropped.
    void post(std::function<void()> work);
    /// Renders already running finish; queued ones are dropped unrun (at shutdown no one could
    /// receive them). Later offloads are dropped too.
    void stop_and_join();

private:
    boost::asio::thread_pool pool_;
};

}  // namespace ptzgrab::web
