// The bytes `ptzgrab serve` puts on the wire for frames it answers from memory (prepared header
// lines, one gather write): complete heads, the held JPEG as body, keep-alive and HEAD.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "http_client.hpp"
#include "serve_process.hpp"
#include "support/eventually.hpp"

using namespace ptzgrab::testing;
using namespace std::chrono_literals;

namespace {

struct WireAnswer {
    std::string status_line;
    std::vector<std::pair<std::string, std::string>> headers;  // in the order sent
    std::string body;

    std::string header(const std::string& name) const {
        for (const auto& [n, v] : headers)
            if (n == name) return v;
        return {};
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& h : headers) out.push_back(h.first);
        return out;
    }
};

// Cuts the next answer off the front of `wire`; a HEAD answer has no body whatever its length says.
std::optional<WireAnswer> next_answer(std::string& wire, bool head_only) {
    size_t end = wire.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    WireAnswer answer;
    std::string head = wire.substr(0, end + 2);
    size_t line_end = head.find("\r\n");
    answer.status_line = head.substr(0, line_end);
    for (size_t at = line_end + 2; at < head.size();) {
        size_t next = head.find("\r\n", at);
        std::string line = head.substr(at, next - at);
        size_t colon = line.find(": ");
        if (colon == std::string::npos) return std::nullopt;
        answer.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
        at = next + 2;
    }
    size_t length = head_only ? 0 : std::stoul(answer.header("Content-Length"));
    if (wire.size() < end + 4 + length) return std::nullopt;
    answer.body = wire.substr(end + 4, length);
    wire.erase(0, end + 4 + length);
    return answer;
}

// The file the server wrote for the frame it holds (waited for, 20 s at most).
std::string held_file(const ServeProcess& serve, size_t size) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    for (;;) {
        std::ifstream in(serve.dir() / "static" / "latest.jpg", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.size() == size || std::chrono::steady_clock::now() > deadline) return bytes;
        std::this_thread::sleep_for(20ms);
    }
}

// The grab that fills the cache, then the frame it holds, as written to latest.jpg: what every
// answer from memory must carry.
std::string hold_a_frame(const ServeProcess& serve) {
    auto first = http_get(serve.port(), "/stream/snapshot");
    REQUIRE(first.status == 200);
    std::string held = held_file(serve, first.body.size());
    REQUIRE(held == first.body);
    return held;
}

const std::vector<std::string> frame_header_names{"Server",         "Content-Type",    "X-Content-Type-Options",
                                                  "X-Frame-Grabbed-At", "X-Frame-Age-Ms", "X-Cache",
                                                  "X-Source-Status", "Cache-Control",  "Content-Length"};

void check_frame_head(const WireAnswer& answer, const std::string& held) {
    CHECK(answer.status_line == "HTTP/1.1 200 OK");
    CHECK(answer.header("Server").starts_with("ptzgrab/"));
    CHECK(answer.header("Content-Type") == "image/jpeg");
    CHECK(answer.header("X-Content-Type-Options") == "nosniff");
    CHECK(answer.header("X-Frame-Grabbed-At").ends_with("Z"));
    CHECK(answer.header("X-Frame-Age-Ms").find_first_not_of("0123456789") == std::string::npos);
    CHECK(answer.header("X-Cache") == "hit");
    CHECK(answer.header("X-Source-Status") == "online");
    CHECK(answer.header("Cache-Control") == "no-store");
    CHECK(answer.header("Content-Length") == std::to_string(held.size()));
}

// A connection to the server on loopback; `prepare` sets what must come before connect.
int connect_to(int port, const std::function<void(int fd)>& prepare) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    prepare(fd);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return fd;
}

// What the server sends until it closes the connection or `limit` passes, read `chunk` bytes at a
// time with `pause` after each read; then closes `fd`.
std::string read_until_closed(int fd, std::chrono::seconds limit, size_t chunk, std::chrono::microseconds pause) {
    std::string received;
    std::vector<char> buffer(chunk);
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd readable{fd, POLLIN, 0};
        if (::poll(&readable, 1, 200) <= 0) continue;
        ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) break;  // closed (or reset: the answers are then short, and the checks say so)
        received.append(buffer.data(), static_cast<size_t>(n));
        std::this_thread::sleep_for(pause);
    }
    ::close(fd);
    return received;
}

// Sends `request` on a connection with a tiny receive window, then reads it back a little at a time
// until the server closes or 30 s pass: the server's socket then fills, often, mid-answer.
std::string slow_exchange(int port, const std::string& request) {
    int fd = connect_to(port, [](int socket) {
        int small = 2048;
        ::setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);  // before connect: the window stays small
    });
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    return read_until_closed(fd, 30s, 1024, 100us);
}

}  // namespace

// The server's descriptors that are unnamed files in `folder` ("FOLDER/#123 (deleted)").
int unnamed_files_in(pid_t pid, const fs::path& folder) {
    int count = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        std::string target = fs::read_symlink(entry.path(), ec).string();
        if (!ec && target.starts_with((folder / "#").string()) && target.ends_with("(deleted)")) ++count;
    }
    return count;
}

TEST_CASE("serve: a frame asked for again is sent from an unnamed file beside the latest frames, which leaves no name") {
    ServeProcess serve({"--max-age", "3600"});
    std::string held = hold_a_frame(serve);
    fs::path folder = serve.dir() / "static";
    CHECK(unnamed_files_in(serve.pid(), folder) == 0);  // asked for once: no file yet
    CHECK(eventually(
        [&] {
            auto again = http_get(serve.port(), "/latest.jpg");
            REQUIRE(again.body == held);  // from memory while the file is written, then from the file
            return unnamed_files_in(serve.pid(), folder) == 1;
        },
        10'000ms));
    auto from_file = http_get(serve.port(), "/latest.jpg");
    CHECK(from_file.status == 200);
    CHECK(from_file.body == held);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"demo", "latest.jpg"});  // the latest frames, nothing else
}

TEST_CASE("serve: a client that reads slowly gets every frame whole, the part sent by sendfile and the rest from memory joined") {
    ServeProcess serve({"--max-age", "3600"});
    std::string held = hold_a_frame(serve);
    // 60 answers, 4.5 MB: past what the server's socket buffer takes without the client reading.
    constexpr int answers = 60;
    std::string request;
    for (int i = 0; i < answers - 1; ++i) request += "GET /latest.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    request += "GET /stream/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    std::string wire = slow_exchange(serve.port(), request);
    for (int i = 0; i < answers; ++i) {
        CAPTURE(i);
        auto answer = next_answer(wire, false);
        REQUIRE(answer);
        check_frame_head(*answer, held);
        CHECK(answer->body == held);
    }
    CHECK(wire.empty());
}

TEST_CASE("serve: frames from memory go out whole: every header, the held JPEG, pipelined on one connection, HEAD without a body") {
    ServeProcess serve({"--max-age", "3600"});
    std::string held = hold_a_frame(serve);
    REQUIRE(is_jpeg(held));

    std::string request = "GET /latest.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                          "HEAD /latest.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                          "GET /stream/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                          "HEAD /stream/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                          "GET /latest.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    auto raw = raw_exchange(serve.port(), request, 20s);
    CHECK(raw.closed_by_server);
    std::string wire = raw.received;
    for (bool head_only : {false, true, false, true}) {
        CAPTURE(head_only);
        auto answer = next_answer(wire, head_only);
        REQUIRE(answer);
        CHECK(answer->names() == frame_header_names);
        check_frame_head(*answer, held);
        CHECK(answer->body == (head_only ? std::string() : held));
    }
    auto last = next_answer(wire, false);
    REQUIRE(last);
    auto names = frame_header_names;
    names.insert(names.end() - 1, "Connection");  // where Beast put it: before Content-Length
    CHECK(last->names() == names);
    CHECK(last->header("Connection") == "close");
    check_frame_head(*last, held);
    CHECK(last->body == held);
    CHECK(wire.empty());  // nothing after the last answer: HEADs sent no body
}

TEST_CASE("serve: an HTTP/1.0 client gets an HTTP/1.0 frame answer, kept alive only when it asks") {
    ServeProcess serve({"--max-age", "3600"});
    REQUIRE(http_get(serve.port(), "/stream/snapshot").status == 200);
    std::string request = "GET /latest.jpg HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                          "GET /latest.jpg HTTP/1.0\r\n\r\n";
    auto raw = raw_exchange(serve.port(), request, 20s);
    CHECK(raw.closed_by_server);
    std::string wire = raw.received;
    auto kept = next_answer(wire, false);
    REQUIRE(kept);
    CHECK(kept->status_line == "HTTP/1.0 200 OK");
    CHECK(kept->header("Connection") == "keep-alive");
    CHECK(kept->body.size() == std::stoul(kept->header("Content-Length")));
    CHECK(is_jpeg(kept->body));
    auto closed = next_answer(wire, false);
    REQUIRE(closed);
    CHECK(closed->status_line == "HTTP/1.0 200 OK");
    CHECK(closed->header("Connection").empty());
    CHECK(closed->body == kept->body);
    CHECK(wire.empty());
}

TEST_CASE("serve: a request that comes in pieces is read whole: a head cut mid-line, a body after a pause, then the next request") {
    ServeProcess serve;
    int fd = connect_to(serve.port(), [](int socket) {
        int no_delay = 1;  // each piece goes out at once, not held back to join the next
        ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof no_delay);
    });
    // Each piece is its own segment: the server has read the one before when the next comes.
    const std::vector<std::string> pieces{
        "GET /heal", "thz HTTP/1.1\r\nHo", "st: 127.0.0.1\r\n", "\r\n",
        // A body the router refuses (405) but that must be read to its end: were its last bytes
        // taken for the next request, that request would be malformed (400).
        "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nab",
        "cdeGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"};
    for (const std::string& piece : pieces) {
        REQUIRE(::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(piece.size()));
        std::this_thread::sleep_for(100ms);
    }
    std::string wire = read_until_closed(fd, 20s, 4096, 0us);
    auto first = next_answer(wire, false);
    REQUIRE(first);
    CHECK(first->status_line == "HTTP/1.1 200 OK");
    CHECK(first->body == "ok\n");
    auto refused = next_answer(wire, false);
    REQUIRE(refused);
    CHECK(refused->status_line == "HTTP/1.1 405 Method Not Allowed");
    auto last = next_answer(wire, false);
    REQUIRE(last);
    CHECK(last->status_line == "HTTP/1.1 200 OK");
    CHECK(last->body == "ok\n");
    CHECK(wire.empty());
}
