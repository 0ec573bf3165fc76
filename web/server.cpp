#include "server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
    } catch (...) {  // whatever it was, it must not end an io thread
        std::fprintf(stderr, "ptzgrab: connection ended by an error\n");
    }
}

// The address a connection comes from; an IPv4 client on an IPv6 socket counts as IPv4.
template <class Socket>
std::optional<asio::ip::address> peer_of(const Socket& socket) {
    boost::system::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) return std::nullopt;  // already gone
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    return address;
}

// Open connections per client address, for the per-peer cap. Thread-safe: sessions end on any thread.
class PeerCounts {
public:
    /// Counts a new connection from `peer`; false (and not counted) when it already has `limit`.
    bool admit(const asio::ip::address& peer, int limit) {
        std::lock_guard lock(mutex_);
        int& open = open_[peer];
        if (open >= limit) return false;
        ++open;
        return true;
    }
    void release(const asio::ip::address& peer) {
        std::lock_guard lock(mutex_);
        auto it = open_.find(peer);
        if (it != open_.end() && --it->second <= 0) open_.erase(it);
    }

private:
    std::mutex mutex_;
    // mutex_ protects the following state.
    std::map<asio::ip::address, int> open_;
};

// One io_context per io thread, each run by that thread alone, as nginx runs one worker per core:
// a connection's handlers all run on the thread it was given, with no strand, and a request wakes
// no other thread. A new connection goes to the thread with the fewest.
class IoThreads {
public:
    struct Lane {
        asio::io_context context{1};  // run by one thread
        std::atomic<int> connections{0};
    };

    explicit IoThreads(int count) {
        for (int i = 0; i < std::max(1, count); ++i) {
            lanes_.push_back(std::make_unique<Lane>());
            keep_running_.emplace_back(lanes_.back()->context.get_executor());  // idle threads wait for connections
        }
    }
    asio::io_context& first() { return lanes_.front()->context; }
    Lane& least_busy() {
        return **std::ranges::min_element(lanes_, {}, [](const auto& lane) { return lane->connections.load(); });
    }
    void stop() {
        for (auto& lane : lanes_) lane->context.stop();
    }
    /// Runs every lane, the first on the calling thread, until stop().
    void run() {
        std::vector<std::jthread> threads;
        struct StopAllOnLeaving {  // an exception leaving the first lane must not leave the others to join forever
            IoThreads& io;
            ~StopAllOnLeaving() { io.stop(); }
        } stop_all_on_leaving{*this};
        for (std::size_t i = 1; i < lanes_.size(); ++i) threads.emplace_back([this, i] { lanes_[i]->context.run(); });
        lanes_.front()->context.run();
    }

private:
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running_;
};

}  // namespace

struct Server::Impl {
    ServerOptions options;
    IoThreads io;
    // The acceptor is touched by the accept loop and the signal handler: both run on this strand.
    asio::strand<asio::io_context::executor_type> accept_strand{io.first().get_executor()};
    tcp::acceptor acceptor{accept_strand};
    asio::signal_set signals{accept_strand, SIGINT, SIGTERM};
    asio::signal_set hangups{accept_strand, SIGHUP};  // registered as long as the server lives: never fatal
    asio::steady_timer accept_backoff{accept_strand};
    std::atomic<int> connections{0};
    PeerCounts peers;
    asio::steady_timer stop_timer{accept_strand};
    std::chrono::steady_clock::time_point stop_deadline;

    explicit Impl(ServerOptions o) : options(std::move(o)), io(options.threads) {}

    // The limits for a connection accepted now: under pressure its first byte is due sooner.
    SessionLimits limits_now() const {
        SessionLimits limits = options.limits;
        if (4LL * connections.load() >= 3LL * options.max_connections)
            limits.first_byte_timeout = std::min(limits.first_byte_timeout, options.pressure_first_byte_timeout);
        return limits;
    }

    // Each connection runs on the io thread it is accepted for: its handlers never run concurrently.
    asio::awaitable<void> accept_loop(const Router& router) {
        for (;;) {
            IoThreads::Lane& lane = io.least_busy();
            auto [ec, socket] = co_await acceptor.async_accept(lane.context, asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) {  // EMFILE and friends: keep serving the connections we have, retry a little later
                accept_backoff.expires_after(std::chrono::milliseconds(100));
                co_await accept_backoff.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            // Refused connections are closed here, at once, when `socket` goes out of scope.
            if (connections.load() >= options.max_connections) continue;
            auto peer = peer_of(socket);
            if (!peer || !peers.admit(*peer, options.max_connections_per_peer)) continue;
            SessionLimits limits = limits_now();
            ++connections;
            ++lane.connections;
            auto executor = socket.get_executor();
            asio::co_spawn(executor, run_session(std::move(socket), router, limits),
                           [this, &lane, peer = *peer](std::exception_ptr error) {
                               peers.release(peer);
                               --lane.connections;
                               --connections;
                               report_exception(error);
                           });
        }
    }

    void stop_on_signal(const Router& router, std::function<void()> on_stop) {
        signals.async_wait([this, &router, on_stop = std::move(on_stop)](const boost::system::error_code& ec, int) {
            if (ec) return;
            std::fprintf(stderr, "ptzgrab: stopping (a second Ctrl-C stops at once)\n");
            hangups.cancel();  // no reload starts once stopping
            if (on_stop) on_stop();
            router.stop_streams();
            boost::system::error_code ignored;
            acceptor.close(ignored);
            signals.async_wait([this](const boost::system::error_code& again, int) {
                if (again) return;
                std::fprintf(stderr, "ptzgrab: stopping now\n");
                io.stop();
            });
            stop_deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
            drain();
        });
    }

    // On the accept strand, at each SIGHUP until stopping.
    void hand_on_hangups(std::function<void()> on_hangup) {
        hangups.async_wait([this, on_hangup = std::move(on_hangup)](const boost::system::error_code& ec, int) mutable {
            if (ec) return;  // cancelled: stopping
            if (on_hangup) on_hangup();
            else std::fprintf(stderr, "ptzgrab: SIGHUP ignored: nothing to reload\n");
            hand_on_hangups(std::move(on_hangup));
        });
    }

    // On the accept strand: the io threads end once no connection is left, or at the deadline.
    void drain() {
        auto left = stop_deadline - std::chrono::steady_clock::now();
        if (connections.load() == 0 || left <= left.zero()) return io.stop();
        stop_timer.expires_after(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
        stop_timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) drain();
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

void Server::run(const Router& router, std::function<void()> on_stop, std::function<void()> on_hangup) {
    std::signal(SIGPIPE, SIG_IGN);  // see server.hpp
    impl_->stop_on_signal(router, std::move(on_stop));
    impl_->hand_on_hangups(std::move(on_hangup));
    asio::co_spawn(impl_->accept_strand, impl_->accept_loop(router), report_exception);
    impl_->io.run();
}

}  // namespace ptzgrab::web
