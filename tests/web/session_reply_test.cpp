// A connection's requests each get their own answer, through run_session on a real loopback socket,
// while copies of earlier replies are kept and called again, and when none are (the slot is reused).
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "core/frame.hpp"
#include "router_fixture.hpp"
#include "socket_pair.hpp"
#include "web/responses.hpp"
#include "web/session.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// Blocking reads and writes on `socket` give up after 10 s: a session that never answers fails the test.
void time_out_after_10s(tcp::socket& socket) {
    timeval ten_seconds{10, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &ten_seconds, sizeof ten_seconds);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &ten_seconds, sizeof ten_seconds);
}

struct Answered {
    http::status status{};
    int width = 0;  // of the JPEG answered, 0 when it is none
};

// One request on the client's socket and what came back; throws when nothing came within 10 s.
Answered ask(tcp::socket& client, const std::string& target) {
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1:8080");
    http::write(client, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(client, buffer, response);
    const std::string& body = response.body();
    auto frame = decode_frame({reinterpret_cast<const uint8_t*>(body.data()), body.size()}, {});
    return {response.result(), frame ? frame->width : 0};
}

// The io thread running one session, stopped and joined however the test ends.
class SessionThread {
public:
    SessionThread(asio::io_context& io, tcp::socket server, const web::Router& router)
        : io_(io), thread_([&io, &router, server = std::move(server), done = std::move(done_)]() mutable {
              asio::co_spawn(io, web::run_session(std::move(server), router, web::SessionLimits{}), asio::detached);
              io.run();
              done.set_value();
          }) {}
    ~SessionThread() {
        io_.stop();
        thread_.join();
    }
    /// Whether the session ended (the io thread ran out of work) within 10 s.
    bool ended() { return ended_.wait_for(10s) == std::future_status::ready; }

private:
    asio::io_context& io_;
    std::promise<void> done_;
    std::future<void> ended_ = done_.get_future();
    std::thread thread_;
};

}  // namespace

TEST_CASE("session: each request gets its own answer, whatever copies of earlier replies do") {
    RouterFixture fixture;
    REQUIRE(fixture.get("/stream/snapshot").result() == http::status::ok);  // held: later requests answer at once
    // Renders answer at once on the io thread, as a held frame does, and keep a copy of each reply.
    // Before and after each answer, the previous request's copy is called again: late second calls.
    std::vector<web::SendAnswer> kept;
    fixture.context.offload = [&kept](const web::RenderAnswer& render, web::SendAnswer send) {
        auto call_the_last_again = [&kept] {
            if (!kept.empty()) kept.back()(web::text_response(http::status::gone, "a late second call"));
        };
        call_the_last_again();
        send(render());
        call_the_last_again();
        kept.push_back(std::move(send));
    };

    asio::io_context io;
    SocketPair sockets(io);
    tcp::socket& client = sockets.client;
    time_out_after_10s(client);
    SessionThread session(io, std::move(sockets.server), fixture.router);

    // ?width= is a variant, rendered through `offload`; each answer has the width its request asked.
    for (int width : {64, 48, 32}) {
        Answered answered = ask(client, "/stream/snapshot?width=" + std::to_string(width));
        CHECK(answered.status == http::status::ok);
        CHECK(answered.width == width);
    }
    // Answers no copy is kept of: the connection's slot serves the next request again.
    CHECK(ask(client, "/stream/snapshot").width == 640);
    CHECK(ask(client, "/healthz").status == http::status::ok);
    CHECK(ask(client, "/no/such/page").status == http::status::not_found);
    CHECK(ask(client, "/stream/snapshot?width=40").width == 40);
    client.close();
    CHECK(session.ended());  // the session ends with the connection
    CHECK(kept.size() == 4);
}
