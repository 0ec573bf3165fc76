// A connection's requests each get their own answer, through run_session on a real loopback socket:
// the reply's slot is kept for the next request only when no copy of the last reply is left.
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

#include "router_fixture.hpp"
#include "web/responses.hpp"
#include "web/session.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// One request on the client's blocking socket, and its answer's status.
http::status ask(tcp::socket& client, const std::string& target) {
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1:8080");
    http::write(client, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(client, buffer, response);
    return response.result();
}

}  // namespace

TEST_CASE("session: a reply kept and called again after its answer never answers the next request") {
    RouterFixture fixture;
    REQUIRE(fixture.get("/stream/snapshot").result() == http::status::ok);  // held: later requests answer at once
    // Renders answer at once on the io thread, as a held frame does, but keep a copy of each reply;
    // each render then calls the previous request's copy again, a second time.
    std::vector<web::SendAnswer> kept;
    fixture.context.offload = [&kept](const web::RenderAnswer& render, web::SendAnswer send) {
        send(render());
        if (!kept.empty()) kept.back()(web::text_response(http::status::gone, "a late second call"));
        kept.push_back(std::move(send));
    };

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    tcp::socket server(io);
    acceptor.accept(server);
    asio::co_spawn(io, web::run_session(std::move(server), fixture.router, web::SessionLimits{}), asio::detached);
    std::thread io_thread([&io] { io.run(); });

    // ?width= is a variant: rendered through `offload`. Each answer is the request's own.
    CHECK(ask(client, "/stream/snapshot?width=64") == http::status::ok);
    CHECK(ask(client, "/stream/snapshot?width=64") == http::status::ok);
    CHECK(ask(client, "/stream/snapshot?width=32") == http::status::ok);
    CHECK(ask(client, "/stream/snapshot") == http::status::ok);  // prepared, not rendered: answered by the router
    client.close();
    io_thread.join();  // the session ends with the connection
    CHECK(kept.size() == 3);
}
