// A frame answered with prepared lines must put on the wire the very bytes Beast's serializer
// writes for the same answer built field by field, for every request shape.
#include <doctest/doctest.h>

#include <sstream>

#include "web/response_wire.hpp"
#include "web/responses.hpp"

using namespace ptzgrab;
using namespace ptzgrab::web;

namespace {

using RequestHead = http::request<http::empty_body>;  // a request without its body

Snapshot held_frame(bool live, bool refreshing) {
    Snapshot s;
    s.frame.grabbed_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'000'000'123));
    s.jpeg = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>{0xff, 0xd8, 'p', 'i', 'x', 0xff, 0xd9});
    s.from_cache = true;
    s.refreshing = refreshing;
    s.live = live;
    s.sequence = live ? 77 : 0;
    s.age = std::chrono::milliseconds(1234);
    return s;
}

// What Beast's serializer sends for the answer built field by field.
std::string beast_bytes(const Snapshot& snapshot, const RequestHead& request) {
    auto res = jpeg_response(http::status::ok, body_from(snapshot.jpeg));
    set_frame_headers(res, snapshot);
    finish_for(RequestFacts(request), res);
    std::ostringstream out;
    out << res;
    return out.str();
}

std::string prepared_bytes(const Snapshot& snapshot, const RequestHead& request) {
    auto lines = frame_lines(snapshot);
    REQUIRE(lines);
    Response res{http::status::ok, 11};
    res.body() = body_from(snapshot.jpeg);
    Answer answer{std::move(res), PreparedFrame{std::make_shared<const FrameLines>(*lines), snapshot.age,
                                                cache_state(snapshot)}};
    finish_prepared_for(RequestFacts(request), answer.head);
    std::string wire;
    write_head(answer, wire);
    return wire + std::string(body_view(answer.head));
}

RequestHead request(http::verb method, unsigned version, const char* connection) {
    RequestHead r{method, "/latest.jpg", version};
    if (connection) r.set(http::field::connection, connection);
    return r;
}

}  // namespace

TEST_CASE("response wire: a prepared frame answer is byte for byte what Beast writes for it") {
    for (bool live : {false, true}) {
        for (bool refreshing : {false, true}) {
            Snapshot snapshot = held_frame(live, refreshing);
            for (const RequestHead& r : {request(http::verb::get, 11, nullptr), request(http::verb::get, 11, "close"),
                                         request(http::verb::get, 10, "keep-alive"), request(http::verb::get, 10, nullptr),
                                         request(http::verb::head, 11, nullptr)}) {
                CAPTURE(live);
                CAPTURE(refreshing);
                CAPTURE(r.version());
                CAPTURE(std::string(r[http::field::connection]));
                std::string expected = beast_bytes(snapshot, r);
                CHECK(prepared_bytes(snapshot, r) == expected);
                CHECK(expected.find("X-Frame-Age-Ms: 1234\r\n") != std::string::npos);
                CHECK((expected.find("X-Frame-Sequence: 77\r\n") != std::string::npos) == live);
            }
        }
    }
}

TEST_CASE("response wire: any other answer is written as its status line and fields, as Beast does") {
    auto res = text_response(http::status::not_found, "not found");
    res.set("X-Extra", "one");
    finish_for(RequestFacts(request(http::verb::get, 11, "close")), res);
    std::ostringstream beast;
    beast << res;
    std::string wire;
    write_head(Answer(res), wire);
    CHECK(wire + std::string(body_view(res)) == beast.str());
    CHECK(wire.starts_with("HTTP/1.1 404 Not Found\r\n"));
}
