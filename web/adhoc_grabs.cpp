#include "adhoc_grabs.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdio>
#include <exception>

namespace ptzgrab::web {

struct AdhocGrabs::Impl {
    FrameCache::GrabFunction grab;
    int max_in_flight;
    std::atomic<int> in_flight{0};
    std::stop_source stop;
    boost::asio::thread_pool pool;

    Impl(FrameCache::GrabFunction g, int threads, int limit)
        : grab(std::move(g)), max_in_flight(limit), pool(static_cast<size_t>(std::max(1, threads))) {}

    // What the grab throws becomes an error: the slot it holds is given back either way.
    Result<Frame> grab_guarded(const GrabRequest& request) {
        try {
            return grab(request, stop.get_token());
        } catch (const std::exception& e) {
            return make_error(ErrorKind::io_error, "the grab failed", e.what());
        } catch (...) {
            return make_error(ErrorKind::io_error, "the grab failed");
        }
    }
};

AdhocGrabs::AdhocGrabs(FrameCache::GrabFunction grab, int threads, int max_in_flight)
    : impl_(std::make_unique<Impl>(std::move(grab), threads, max_in_flight)) {}

AdhocGrabs::~AdhocGrabs() {
    shutdown();
    impl_->pool.join();
}

void AdhocGrabs::shutdown() { impl_->stop.request_stop(); }

void AdhocGrabs::grab(GrabRequest request, Done done) {
    if (impl_->stop.stop_requested())
        return done(make_error(ErrorKind::cancelled, "the server is shutting down"));
    if (impl_->in_flight.fetch_add(1) >= impl_->max_in_flight) {
        --impl_->in_flight;
        return done(make_error(ErrorKind::cancelled, "too many ?url= grabs in flight; try again"));
    }
    boost::asio::post(impl_->pool, [impl = impl_.get(), request = std::move(request), done = std::move(done)] {
        Result<Frame> frame = impl->grab_guarded(request);
        --impl->in_flight;
        try {
            done(std::move(frame));
        } catch (const std::exception& e) {  // never out of the pool thread
            std::fprintf(stderr, "ptzgrab: answering a ?url= grab threw: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "ptzgrab: answering a ?url= grab threw\n");
        }
    });
}

}  // namespace ptzgrab::web
