#include "render_pool.hpp"

#include <boost/asio/post.hpp>
#include <cstdio>
#include <exception>
#include <optional>

#include "responses.hpp"

namespace ptzgrab::web {
namespace {

void report(const char* what) noexcept {
    try {
        throw;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ptzgrab: %s threw: %s\n", what, e.what());
    } catch (...) {
        std::fprintf(stderr, "ptzgrab: %s threw\n", what);
    }
}

}  // namespace

void render_and_send(const RenderAnswer& render, const SendAnswer& send) noexcept {
    std::optional<Response> answer;
    try {
        answer = render();
    } catch (...) {
        report("rendering an answer");
    }
    try {
        if (!answer) answer = text_response(http::status::internal_server_error, "the answer could not be rendered");
        send(std::move(*answer));
    } catch (...) {
        report("sending an answer");
    }
}

RenderPool::RenderPool(int threads) : pool_(static_cast<std::size_t>(std::max(1, threads))) {}

RenderPool::~RenderPool() { stop_and_join(); }

void RenderPool::offload(RenderAnswer render, SendAnswer send) {
    boost::asio::post(pool_, [render = std::move(render), send = std::move(send)] { render_and_send(render, send); });
}

void RenderPool::post(std::function<void()> work) {
    boost::asio::post(pool_, [work = std::move(work)] {
        try {
            work();
        } catch (...) {
            report("background work");
        }
    });
}

void RenderPool::stop_and_join() {
    pool_.stop();
    pool_.join();
}

}  // namespace ptzgrab::web
