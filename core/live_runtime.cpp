#include "live_runtime.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace ptzgrab {

struct LiveRuntime::Impl {
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
    std::mutex mutex;
    // mutex protects the following state.
    std::vector<std::shared_ptr<LiveStream>> streams;
    std::thread thread{[this] { run(); }};

    // The io thread: what a handler throws is reported and the loop goes on.
    void run() noexcept {
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "ptzgrab: a live stream handler threw: %s\n", e.what());
            } catch (...) {
                std::fprintf(stderr, "ptzgrab: a live stream handler threw\n");
            }
        }
    }

    ~Impl() {
        // Every child is sent SIGTERM first, then each is reaped: they end together, within one grace.
        std::vector<std::shared_ptr<LiveStream>> stopping;
        {
            std::lock_guard lock(mutex);
            stopping.swap(streams);
        }
        for (auto& stream : stopping) stream->close();
        for (auto& stream : stopping) stream->stop();  // children reaped; their waits' answers posted to io
        stopping.clear();
        work.reset();
        // After the answers posted so far: the loop ends even if a stream left a timer behind.
        boost::asio::post(io, [this] { io.stop(); });
        thread.join();
    }
};

LiveRuntime::LiveRuntime() : impl_(std::make_unique<Impl>()) {}

LiveRuntime::~LiveRuntime() = default;

void LiveRuntime::close_all() {
    std::lock_guard lock(impl_->mutex);
    for (auto& stream : impl_->streams) stream->close();
}

std::shared_ptr<LiveStream> LiveRuntime::add(const std::string& ffmpeg, const GrabRequest& request,
                                             const LiveOptions& options) {
    auto stream = std::make_shared<LiveStream>(impl_->io, ffmpeg, request, options);
    std::lock_guard lock(impl_->mutex);
    impl_->streams.push_back(stream);
    return stream;
}

void LiveRuntime::remove(const std::shared_ptr<LiveStream>& stream) {
    stream->stop();  // outside the lock: it blocks until the child is reaped
    std::lock_guard lock(impl_->mutex);
    std::erase(impl_->streams, stream);
}

}  // namespace ptzgrab
