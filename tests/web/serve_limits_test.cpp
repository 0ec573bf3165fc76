// `ptzgrab serve` under silent sockets and at shutdown, over real loopback sockets.
// Clients from other addresses bind 127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to lo.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>

#include "http_client.hpp"
#include "serve_process.hpp"
#include "support/eventually.hpp"

using namespace ptzgrab::testing;
using namespace std::chrono_literals;

namespace {

// Our end of connections that say nothing; closed with the set.
class SilentClients {
public:
    ~SilentClients() {
        for (int fd : fds_) ::close(fd);
    }
    /// Opens `count` connections from `from`; how many connected.
    int open(const std::string& from, int port, int count) {
        int connected = 0;
        for (int i = 0; i < count; ++i) {
            int fd = connect_from(from, port);
            if (fd < 0) continue;
            fds_.push_back(fd);
            ++connected;
        }
        return connected;
    }
    /// How many the server has closed (EOF or reset) by now.
    int closed_by_server() const {
        int closed = 0;
        for (int fd : fds_) {
            char byte;
            ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
            closed += n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        }
        return closed;
    }
    /// Waits (at most `timeout`) until the server has closed at least `count`; how many it closed.
    int wait_closed(int count, std::chrono::milliseconds timeout) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        int closed = closed_by_server();
        while (closed < count && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(20ms);
            closed = closed_by_server();
        }
        return closed;
    }
    int size() const { return static_cast<int>(fds_.size()); }

    /// A connection from `from`; with `receive_buffer`, that small a window (set before connecting).
    static int connect_from(const std::string& from, int port, int receive_buffer = 0) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
            ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

private:
    std::vector<int> fds_;
};

// GET `target` from the address `from`; the raw answer (empty when refused or closed unanswered).
std::string get_from(const std::string& from, int port, const std::string& target, bool keep_alive = false) {
    int fd = SilentClients::connect_from(from, port);
    if (fd < 0) return {};
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          (keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
    std::string answer;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        auto deadline = std::chrono::steady_clock::now() + 20s;
        char chunk[4096];
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) {
                if (keep_alive && answer.find("\r\n\r\n") != std::string::npos) break;  // headers are enough
                continue;
            }
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            answer.append(chunk, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return answer;
}

// Room for `count` more descriptors in this test process (the soft limit is often 1024).
bool ensure_descriptors(rlim_t count) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur >= count) return true;
    limit.rlim_cur = std::min(limit.rlim_max, count);
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= count;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("serve: 1,100 silent sockets from one address are capped per peer, and /healthz answers another") {
    REQUIRE(ensure_descriptors(1100 + 256));
    ServeProcess serve;  // the defaults: 1024 connections, 64 per peer
    SilentClients silent;
    REQUIRE(silent.open("127.0.0.1", serve.port(), 1100) == 1100);
    // Over the cap they are closed at once (long before the 10 s first-byte timeout)...
    int closed = silent.wait_closed(1100 - 64, 9s);
    CHECK(closed == 1100 - 64);
    // ...and another client is served while the 64 are still held.
    CHECK(get_from("127.0.0.2", serve.port(), "/healthz").starts_with("HTTP/1.1 200"));
    CHECK(silent.closed_by_server() == 1100 - 64);
}

TEST_CASE("serve: with --max-connections-per-peer, connections past the cap are closed at once") {
    ServeProcess serve({"--max-connections-per-peer", "8"});
    SilentClients silent;
    REQUIRE(silent.open("127.0.0.1", serve.port(), 20) == 20);
    CHECK(silent.wait_closed(12, 9s) == 12);
    CHECK(get_from("127.0.0.2", serve.port(), "/healthz").starts_with("HTTP/1.1 200"));
    CHECK(silent.closed_by_server() == 12);  // the first 8 are still open: the cap is per address
}

TEST_CASE("serve: past 3/4 of the connections in use, a new connection must send its first byte within 2 s") {
    ServeProcess serve({"--max-connections", "40"});
    SilentClients silent;
    REQUIRE(silent.open("127.0.0.3", serve.port(), 40) == 40);  // under the per-peer cap, at the total cap
    // The 10 accepted past 30 of 40 are closed after the short timeout; the first 30 wait 10 s.
    CHECK(silent.wait_closed(10, 9s) == 10);
    CHECK(get_from("127.0.0.2", serve.port(), "/healthz").starts_with("HTTP/1.1 200"));
    CHECK(silent.closed_by_server() == 10);
}

TEST_CASE("serve: a client that stops reading its answers is dropped after --write-timeout, and its place given back") {
    ServeProcess serve({"--max-age", "3600", "--write-timeout", "3", "--max-connections-per-peer", "1"});
    REQUIRE(get_from("127.0.0.5", serve.port(), "/stream/snapshot").starts_with("HTTP/1.1 200"));  // a held frame
    // From 127.0.0.4, one connection asks for 60 frames (4.5 MB) with a small window and reads none.
    int stalled = SilentClients::connect_from("127.0.0.4", serve.port(), 2048);
    REQUIRE(stalled >= 0);
    std::string requests;
    for (int i = 0; i < 60; ++i) requests += "GET /latest.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(stalled, requests.data(), requests.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(requests.size()));
    // While its write waits, it holds the address's one place: another connection from there is closed...
    CHECK(get_from("127.0.0.4", serve.port(), "/healthz").empty());
    // ...until the write timeout drops it (without one, it would hold the place until it left).
    CHECK(eventually([&] { return get_from("127.0.0.4", serve.port(), "/healthz").starts_with("HTTP/1.1 200"); },
                     20'000ms, 200ms));
    ::close(stalled);
}

// Starts `count` clients asking for big variants of the held frame; returns once the first is
// answered, when the others are rendering or queued on the render pool.
std::vector<std::future<HttpReply>> queue_big_renders(ServeProcess& serve, int count) {
    REQUIRE(http_get(serve.port(), "/stream/snapshot").status == 200);  // a held frame: renders only
    std::vector<std::future<HttpReply>> replies;
    for (int i = 0; i < count; ++i)
        replies.push_back(std::async(std::launch::async, [&serve, i] {
            return http_call(serve.port(), "GET", "/stream/snapshot?width=4000&height=2000&quality=" +
                                                      std::to_string(50 + i), {}, 120s);
        }));
    bool first_answered = false;
    for (int i = 0; i < 6000 && !first_answered; ++i)  // a minute at most
        for (auto& r : replies)
            if (r.wait_for(1ms) == std::future_status::ready) first_answered = true;
    REQUIRE(first_answered);
    return replies;
}

TEST_CASE("serve: SIGTERM with big renders still queued past the grace exits 0, reading nothing freed") {
    ServeProcess serve;  // the default grace (0.5 s) ends before 24 big renders on two threads
    auto replies = queue_big_renders(serve, 24);
    REQUIRE(serve.signal(SIGTERM));
    CHECK(serve.wait_exit(60s) == 0);  // no crash; the sanitizer build also sees no use after free
    for (auto& r : replies) {
        int status = r.get().status;
        CHECK((status == 200 || status == 0));  // answered, or cut off when the io threads ended
    }
}

TEST_CASE("serve: SIGTERM while big renders are queued answers them within the grace and exits 0") {
    ServeProcess serve({"--shutdown-grace", "120"});
    constexpr int clients = 12;
    auto replies = queue_big_renders(serve, clients);
    REQUIRE(serve.signal(SIGTERM));
    int ok = 0;
    for (auto& r : replies) ok += r.get().status == 200;
    CHECK(ok == clients);
    CHECK(serve.wait_exit(60s) == 0);
}

TEST_CASE("serve: a second Ctrl-C stops at once, with no ffmpeg left behind") {
    ScratchDir dir;
    std::string marker = "hung-serve-ffmpeg-" + std::to_string(::getpid());
    // Grabs of the "hang" source hang (with a child of their own); `-version` is real ffmpeg.
    auto fake = write_script(dir / "ffmpeg", "case \"$*\" in *" + marker + "*) sh -c 'sleep 300; :' " + marker +
                                                 " & sleep 301;; esac\nexec /usr/bin/ffmpeg \"$@\"");
    auto config = write_config(dir, "[{\"name\": \"hang\", \"url\": \"rtsp://127.0.0.1:9/" + marker +
                                    "\", \"timeout_s\": 60}]");
    ServeProcess serve({"--config", config.string(), "--ffmpeg", fake.string(), "--shutdown-grace", "120"});
    auto hung = std::async(std::launch::async, [&] { return http_get(serve.port(), "/stream/snapshot?source=hang"); });
    bool hanging = false;
    for (int i = 0; i < 200 && !hanging; ++i, std::this_thread::sleep_for(50ms))
        hanging = !processes_with_arg(marker).empty();
    REQUIRE(hanging);
    // A keep-alive client stays connected: the first signal waits for it (up to the grace).
    int keep_alive = SilentClients::connect_from("127.0.0.4", serve.port());
    REQUIRE(keep_alive >= 0);
    std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(keep_alive, request.data(), request.size(), MSG_NOSIGNAL) > 0);
    std::string answer;  // answered, so the server holds it (not just the kernel's backlog)
    for (int i = 0; i < 200 && answer.find("\r\n\r\n") == std::string::npos; ++i) {
        pollfd p{keep_alive, POLLIN, 0};
        char chunk[512];
        if (::poll(&p, 1, 100) > 0) {
            ssize_t n = ::recv(keep_alive, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            answer.append(chunk, static_cast<size_t>(n));
        }
    }
    REQUIRE(answer.starts_with("HTTP/1.1 200"));

    REQUIRE(serve.signal(SIGINT));
    CHECK(hung.get().status == 503);  // the grab was cancelled
    std::this_thread::sleep_for(1s);
    REQUIRE(serve.running());  // still draining: the keep-alive connection is open
    REQUIRE(serve.signal(SIGINT));
    CHECK(serve.wait_exit(15s) == 0);  // long before the 30 s idle timeout or the grace would end it
    ::close(keep_alive);
    CHECK(contains(serve.log(), "stopping now"));
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i, std::this_thread::sleep_for(50ms)) gone = processes_with_arg(marker).empty();
    CHECK(gone);
}
