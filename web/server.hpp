#pragma once
// The listening socket, the io threads and the signals: serves a Router until SIGINT or SIGTERM.
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
    std::chrono::milliseconds shutdown_grace{500};  // for answers to cancelled grabs to go out
};

class Server {
public:
    explicit Server(ServerOptions options);
    ~Server();  // declare it before the cache: grab threads post answers into its io_context
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens; the port bound, or an io_error (address in use, bad address).
    Result<uint16_t> listen();

    /// Serves until SIGINT or SIGTERM. `on_stop` runs first on the signal (cancel grabs in flight);
    /// then the listener closes and, after the grace, the io threads end.
    void run(const Router& router, std::function<void()> on_stop);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ptzgrab::web
