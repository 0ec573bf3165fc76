// The wait for a connection's next request ends at its deadline, on a real loopback socket: a
// deadline moved on is kept, one brought nearer is not missed, and a connection that ends first
// leaves the timer's handler nothing to touch.
#include <doctest/doctest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "socket_pair.hpp"
#include "web/wait_deadline.hpp"

using namespace ptzgrab::web;
using ptzgrab::testing::SocketPair;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The outcome of one read on the server side under the deadline.
struct Wait {
    boost::system::error_code ec;
    std::size_t bytes = 0;
    Clock::duration took{};
};

asio::awaitable<Wait> timed_read(tcp::socket& socket, WaitDeadline& deadline, Clock::duration timeout) {
    char byte[16];
    auto began = Clock::now();
    deadline.start(timeout);
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(byte), use_tuple);
    deadline.stop();
    co_return Wait{ec, n, Clock::now() - began};
}

asio::awaitable<void> pause(Clock::duration how_long) {
    asio::steady_timer timer(co_await asio::this_coro::executor, how_long);
    co_await timer.async_wait(use_tuple);
}

// Runs `body` on a fresh io_context, at most 20 s: every wait here ends.
template <class Body>
void run(Body body) {
    asio::io_context io;
    bool done = false;
    asio::co_spawn(io, body(io), [&](std::exception_ptr e) {
        done = true;
        if (e) std::rethrow_exception(e);
    });
    io.run_for(20s);
    REQUIRE(done);
}

}  // namespace

TEST_CASE("wait deadline: a silent peer's wait is cancelled at its deadline; the next start clears it") {
    run([](asio::io_context& io) -> asio::awaitable<void> {
        SocketPair pair(io);
        WaitDeadline deadline(pair.server);
        Wait wait = co_await timed_read(pair.server, deadline, 200ms);
        CHECK(wait.ec == asio::error::operation_aborted);
        CHECK(wait.took >= 200ms);
        CHECK(wait.took < 5s);
        CHECK(deadline.passed());
        deadline.start(10s);
        CHECK_FALSE(deadline.passed());
        deadline.stop();
    });
}

TEST_CASE("wait deadline: each wait moves the deadline on; waits that end in time cancel nothing") {
    run([](asio::io_context& io) -> asio::awaitable<void> {
        SocketPair pair(io);
        WaitDeadline deadline(pair.server);
        for (int i = 0; i < 5; ++i) {  // 5 x 300 ms: well past the first wait's 1 s deadline
            CAPTURE(i);
            asio::co_spawn(io, [&]() -> asio::awaitable<void> {
                co_await pause(300ms);
                co_await asio::async_write(pair.client, asio::buffer("x", 1), use_tuple);
            }, asio::detached);
            Wait wait = co_await timed_read(pair.server, deadline, 1s);
            CHECK_FALSE(wait.ec);
            CHECK(wait.bytes == 1);
        }
        CHECK_FALSE(deadline.passed());
        co_await pause(1500ms);  // no wait now: the timer, when it fires, cancels nothing
        CHECK_FALSE(deadline.passed());
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await asio::async_write(pair.client, asio::buffer("y", 1), use_tuple);
        }, asio::detached);
        Wait after = co_await timed_read(pair.server, deadline, 1s);
        CHECK_FALSE(after.ec);
    });
}

TEST_CASE("wait deadline: a deadline brought nearer is kept, not the later one the timer had") {
    run([](asio::io_context& io) -> asio::awaitable<void> {
        SocketPair pair(io);
        WaitDeadline deadline(pair.server);
        co_await asio::async_write(pair.client, asio::buffer("x", 1), use_tuple);
        Wait first = co_await timed_read(pair.server, deadline, 15s);  // armed for 15 s
        REQUIRE_FALSE(first.ec);
        Wait second = co_await timed_read(pair.server, deadline, 200ms);
        CHECK(second.ec == asio::error::operation_aborted);
        CHECK(second.took < 5s);
    });
}

TEST_CASE("wait deadline: a connection that ends while its timer is pending, or has fired, leaves nothing behind") {
    run([](asio::io_context& io) -> asio::awaitable<void> {
        {
            SocketPair pair(io);
            WaitDeadline deadline(pair.server);
            deadline.start(50ms);  // pending when the connection ends
        }
        SocketPair pair(io);
        auto deadline = std::make_unique<WaitDeadline>(pair.server);
        deadline->start(1ms);
        // Past the deadline with this thread busy: the timer's handler may complete (not aborted)
        // and be queued behind this coroutine, which ends the deadline's connection first.
        std::this_thread::sleep_for(20ms);
        co_await asio::post(io, asio::use_awaitable);
        deadline.reset();
        // A read on the socket, pending before the queued handlers run: had one of them touched the
        // freed deadline and cancelled the socket it watched, this read would end aborted.
        std::optional<boost::system::error_code> read_ec;
        char byte = 0;
        pair.server.async_read_some(asio::buffer(&byte, 1),
                                    [&](const boost::system::error_code& ec, std::size_t) { read_ec = ec; });
        co_await pause(100ms);  // the queued handlers run now (under ASan, a touch of the freed one reports)
        CHECK_FALSE(read_ec);  // still pending
        co_await asio::async_write(pair.client, asio::buffer("z", 1), use_tuple);
        for (auto limit = Clock::now() + 5s; !read_ec && Clock::now() < limit;) co_await pause(10ms);
        REQUIRE(read_ec);
        CHECK_FALSE(*read_ec);
        CHECK(byte == 'z');
    });
}
