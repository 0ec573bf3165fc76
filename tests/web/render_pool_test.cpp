#include <doctest/doctest.h>

#include <future>
#include <new>
#include <stdexcept>
#include <thread>

#include "web/adhoc_grabs.hpp"
#include "web/render_pool.hpp"
#include "web/responses.hpp"

using namespace ptzgrab;
using namespace ptzgrab::web;
using namespace std::chrono_literals;

namespace {

// Offloads `render` and waits (10 s at most) for the one answer it gets.
std::optional<Response> answer_of(RenderPool& pool, RenderAnswer render) {
    auto promise = std::make_shared<std::promise<Response>>();
    auto answer = promise->get_future();
    pool.offload(std::move(render), [promise](Response res) { promise->set_value(std::move(res)); });
    if (answer.wait_for(10s) != std::future_status::ready) return std::nullopt;
    return answer.get();
}

Response ok() { return text_response(http::status::ok, "rendered"); }

}  // namespace

TEST_CASE("render pool: a render that throws is answered 500, and the pool serves the next one") {
    RenderPool pool(1);  // one thread: had it died, nothing after would be answered
    auto bad_alloc = answer_of(pool, []() -> Response { throw std::bad_alloc(); });
    REQUIRE(bad_alloc.has_value());
    CHECK(bad_alloc->result() == http::status::internal_server_error);
    auto runtime = answer_of(pool, []() -> Response { throw std::runtime_error("cv::Exception stand-in"); });
    REQUIRE(runtime.has_value());
    CHECK(runtime->result() == http::status::internal_server_error);
    auto not_std = answer_of(pool, []() -> Response { throw 42; });
    REQUIRE(not_std.has_value());
    CHECK(not_std->result() == http::status::internal_server_error);
    auto good = answer_of(pool, ok);
    REQUIRE(good.has_value());
    CHECK(good->result() == http::status::ok);
    CHECK(body_view(*good) == "rendered\n");
}

TEST_CASE("render pool: a send that throws is not sent twice and does not end the pool thread") {
    RenderPool pool(1);
    std::atomic<int> sends{0};
    pool.offload(ok, [&](Response) {
        ++sends;
        throw std::runtime_error("the connection is gone");
    });
    auto next = answer_of(pool, ok);
    REQUIRE(next.has_value());
    CHECK(next->result() == http::status::ok);
    CHECK(sends == 1);
}

TEST_CASE("render_and_send: inline, a render that throws is answered 500 exactly once") {
    int sends = 0;
    http::status status{};
    render_and_send([]() -> Response { throw std::bad_alloc(); }, [&](Response res) {
        ++sends;
        status = res.result();
    });
    CHECK(sends == 1);
    CHECK(status == http::status::internal_server_error);
}

TEST_CASE("adhoc grabs: a grab or an answer that throws still frees its slot and answers the next") {
    std::atomic<bool> throw_in_grab{true};
    AdhocGrabs adhoc([&](const GrabRequest&, std::stop_token) -> Result<Frame> {
        if (throw_in_grab) throw std::runtime_error("the grab blew up");
        return make_error(ErrorKind::no_frame, "no frame");
    }, 1, 1);  // one slot: had it leaked, the next grab would be refused as "too many"
    auto first = std::make_shared<std::promise<Result<Frame>>>();
    adhoc.grab({}, [first](Result<Frame> r) { first->set_value(std::move(r)); });
    auto thrown = first->get_future();
    REQUIRE(thrown.wait_for(10s) == std::future_status::ready);
    auto error = thrown.get();
    REQUIRE_FALSE(error.has_value());
    CHECK(error.error().kind == ErrorKind::io_error);

    throw_in_grab = false;
    std::promise<void> threw;
    adhoc.grab({}, [&](Result<Frame>) {
        threw.set_value();
        throw std::runtime_error("the answer blew up");
    });
    REQUIRE(threw.get_future().wait_for(10s) == std::future_status::ready);
    std::promise<Result<Frame>> last;  // the one slot was given back: not refused as "too many"
    adhoc.grab({}, [&](Result<Frame> r) { last.set_value(std::move(r)); });
    auto answered = last.get_future();
    REQUIRE(answered.wait_for(10s) == std::future_status::ready);
    auto r = answered.get();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::no_frame);
}
