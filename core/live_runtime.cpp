#include "live_runtime.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <thread>
#include <vector>

namespace ptzgrab {

struct LiveRuntime::Impl {
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
    std::vector<std::unique_ptr<LiveStream>> streams;
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
        for (auto& stream : streams) stream->close();
        streams.clear();  // children reaped; their waits' answers are posted to io
        work.reset();
        // After the answers posted so far: the loop ends even if a stream left a timer behind.
        boost::asio::post(io, [this] { io.stop(); });
        thread.join();
    }
};

LiveRuntime::LiveRuntime() : impl_(std::make_unique<Impl>()) {}

LiveRuntime::~LiveRuntime() = default;

void LiveRuntime::close_all() {
    for (auto& stream : impl_->streams) stream->close();
}

LiveStream& LiveRuntime::add(const std::string& ffmpeg, const GrabRequest& request, const LiveOptions& options) {
    impl_->streams.push_back(std::make_unique<LiveStream>(impl_->io, ffmpeg, request, options));
    return *impl_->streams.back();
}

}  // namespace ptzgrab
