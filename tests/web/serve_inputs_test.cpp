// `ptzgrab serve` on inputs that once broke it: wide cameras.
#include <doctest/doctest.h>

#include "core/frame.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;

namespace {

// The answer's body as a frame; fails the test if it is not a JPEG.
Frame decoded(const HttpReply& reply) {
    std::vector<uint8_t> bytes(reply.body.begin(), reply.body.end());
    auto frame = decode_frame(bytes, std::chrono::system_clock::now());
    REQUIRE_MESSAGE(frame.has_value(), "not a JPEG");
    return *frame;
}

}  // namespace

TEST_CASE("serve: a 5120x1440 panoramic source is served at full size, and a 4096-wide variant of it too") {
    ServeProcess serve({"--url", "lavfi:testsrc2=size=5120x1440:rate=1"});
    auto full = http_get(serve.port(), "/stream/snapshot");
    INFO(full.body.substr(0, 200));
    REQUIRE(full.status == 200);
    Frame frame = decoded(full);
    CHECK(frame.width == 5120);
    CHECK(frame.height == 1440);
    CHECK(http_get(serve.port(), "/latest.jpg").status == 200);
    auto variant = http_get(serve.port(), "/stream/snapshot?width=4096");
    REQUIRE(variant.status == 200);
    Frame resized = decoded(variant);
    CHECK(resized.width == 4096);
    CHECK(resized.height == 1152);
}
