#pragma once
// Request in, response out: the whole HTTP surface without sockets, so it is tested without them.
#include "http_types.hpp"
#include "reply.hpp"
#include "server_context.hpp"

namespace ptzgrab::web {

class Router {
public:
    explicit Router(ServerContext& context) : context_(context) {}

    /// Routes, checks the token, answers through `reply` (from a grab thread when the answer waited
    /// for a grab); every answer is finished for the request (version, keep-alive, length, HEAD),
    /// counted and written to the access log. Only /stream/mjpeg answers with a stream.
    void handle(const Request& request, Reply reply) const;

    /// Any thread, when the server stops: every /stream/mjpeg viewer ends, new ones are refused.
    void stop_streams() const;

private:
    void dispatch(const Request& request, const Reply& reply) const;
    ServerContext& context_;
};

}  // namespace ptzgrab::web
