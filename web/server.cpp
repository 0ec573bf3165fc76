#include "server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <thread>
#include <vector>

namespace ptzgrab::web {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void report_exception(std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ptzgrab: connection ended by an error: %s\n", e.what());
    }
}

}  // namespace

struct Server::Impl {
    ServerOptions options;
    asio::io_context io;
    // The acceptor is touched by the accept loop and the signal handler: both run on this strand.
    asio::strand<asio::io_context::executor_type> accept_strand{io.get_executor()};
    tcp::acceptor acceptor{accept_strand};
    asio::signal_set signals{accept_strand, SIGINT, SIGTERM};
    asio::steady_timer accept_backoff{accept_strand};
    std::atomic<int> connections{0};
    asio::steady_timer stop_timer{io};

    explicit Impl(ServerOptions o) : options(std::move(o)), io(std::max(1, options.threads)) {}

    // Each connection gets its own strand: its handlers never run concurrently.
    asio::awaitable<void> accept_loop(const Router& router) {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) {  // EMFILE and friends: keep serving the connections we have, retry a little later
                accept_backoff.expires_after(std::chrono::milliseconds(100));
                co_await accept_backoff.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            if (connections.load() >= options.max_connections) continue;  // the socket closes here
            ++connections;
            auto executor = socket.get_executor();
            asio::co_spawn(executor, run_session(std::move(socket), router, options.limits),
                           [this](std::exception_ptr error) {
                               --connections;
                               report_exception(error);
                           });
        }
    }

    void stop_on_signal(std::function<void()> on_stop) {
        signals.async_wait([this, on_stop = std::move(on_stop)](const boost::system::error_code& ec, int) {
            if (ec) return;
            std::fprintf(stderr, "ptzgrab: stopping\n");
            if (on_stop) on_stop();
            boost::system::error_code ignored;
            acceptor.close(ignored);
            stop_timer.expires_after(options.shutdown_grace);
            stop_timer.async_wait([this](const boost::system::error_code&) { io.stop(); });
        });
    }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() = default;

Result<uint16_t> Server::listen() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(impl_->options.bind, ec);
    if (ec) return make_error(ErrorKind::invalid_input, "not an IP address: " + impl_->options.bind);
    tcp::endpoint endpoint(address, impl_->options.port);
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) return acceptor.local_endpoint().port();
    return make_error(ErrorKind::io_error,
                      "cannot listen on " + impl_->options.bind + ":" + std::to_string(impl_->options.port),
                      ec.message());
}

void Server::run(const Router& router, std::function<void()> on_stop) {
    impl_->stop_on_signal(std::move(on_stop));
    asio::co_spawn(impl_->accept_strand, impl_->accept_loop(router), report_exception);
    std::vector<std::jthread> threads;
    for (int i = 1; i < impl_->options.threads; ++i) threads.emplace_back([this] { impl_->io.run(); });
    impl_->io.run();
}

}  // namespace ptzgrab::web
