#pragma once
// The listening socket, the io threads and the signals: serves a Router until SIGINT or SIGTERM,
// and hands each SIGHUP to its owner (a config reload) instead of dying of it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "router.hpp"
#include "session.hpp"

namespace ptzgrab::web {

struct ServerOptions {
    std::string bind = "127.0.0.1";
    uint16_t port = 8080;  // 0: any free port
    int threads = 2;       // io threads; grabs run on the cache's own threads
    SessionLimits limits;
    int max_connections = 1024;  // past it new connections are closed at once (descriptors are finite)
    /// From one client address (IPv6: one address, not a prefix); past it new connections from that
    /// address are closed at once, so one client cannot take every slot.
    int max_connections_per_peer = 64;
    /// With more than 3/4 of max_connections open, a new connection must send its first byte this
    /// soon (instead of limits.first_byte_timeout): silent sockets cannot hold the last slots long.
    std::chrono::milliseconds pressure_first_byte_timeout{2000};
    /// After the first SIGINT or SIGTERM: until every connection has ended, at most this long, for
    /// answers in flight to go out. A second signal stops at once.
    std::chrono::milliseconds shutdown_grace{500};
};

class Server {
public:
    explicit Server(ServerOptions options);
    ~Server();  // the owner joins first what posts answers into its io contexts (cmd/serve_runtime)
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens; the port bound, or an io_error (address in use, bad address).
    Result<uint16_t> listen();

    /// Serves until SIGINT or SIGTERM. `on_stop` runs first on the signal (cancel grabs in flight);
    /// then the router's MJPEG streams end, the listener closes and, when every connection has ended or the grace has passed, the io
    /// threads end. A second signal ends them at once. `on_hangup` runs at each SIGHUP until then,
    /// on an io thread: it must hand the work on, never block (none: a SIGHUP is logged and ignored).
    /// SIGPIPE is ignored from here on, for the whole process: sendfile has no MSG_NOSIGNAL, and a
    /// client gone mid-answer must be an EPIPE, not the end of the server.
    void run(const Router& router, std::function<void()> on_stop, std::function<void()> on_hangup = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ptzgrab::web
