// The bytes `ptzgrab serve` puts on the wire for frames it answers from memory (prepared header
// lines, one gather write): complete heads, the held JPEG as body, keep-alive and HEAD.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "http_client.hpp"
#include "serve_process.hpp"

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

}  // namespace

TEST_CASE("serve: frames from memory go out whole: every header, the held JPEG, pipelined on one connection, HEAD without a body") {
    ServeProcess serve({"--max-age", "3600"});
    auto first = http_get(serve.port(), "/stream/snapshot");  // the grab that fills the cache
    REQUIRE(first.status == 200);
    std::string held = held_file(serve, first.body.size());
    REQUIRE(held == first.body);
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
