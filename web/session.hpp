#pragma once
// One HTTP/1.1 connection: read a request, let the router answer, write it, until the client
// leaves, stalls or the server stops. Requests on one connection are answered in order, one at a time.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>

#include "router.hpp"

namespace ptzgrab::web {

struct SessionLimits {
    std::chrono::milliseconds first_byte_timeout{10'000};  // a new connection, for its first byte
    std::chrono::seconds header_timeout{10};  // from the first byte of a request to its end
    std::chrono::seconds idle_timeout{30};    // a keep-alive connection waiting for its next request
    std::chrono::seconds write_timeout{30};   // a client that does not read its answer
    std::size_t header_limit_bytes = 8 * 1024;
    std::size_t body_limit_bytes = 64 * 1024;
    // Pipelined requests wait unread in this buffer; when it is full the client's TCP window
    // closes, so a client can queue no more than this many bytes of requests.
    std::size_t read_buffer_limit_bytes = 64 * 1024;
};

/// Runs on the connection's io thread (the socket's executor) until the connection ends.
/// Never throws: errors end the connection.
boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket, const Router& router,
                                         SessionLimits limits);

}  // namespace ptzgrab::web
