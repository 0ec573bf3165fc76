#pragma once
// Two ends of one real loopback TCP connection, for tests of what the server side does with it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace ptzgrab::testing {

/// A connected loopback pair on `io`: `server` is the side under test, `client` the peer.
struct SocketPair {
    boost::asio::ip::tcp::socket server, client;
    explicit SocketPair(boost::asio::io_context& io) : server(io), client(io) {
        using boost::asio::ip::tcp;
        tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
    }
};

}  // namespace ptzgrab::testing
