// `ptzgrab serve` on inputs that once broke it: wide cameras.
#include <doctest/doctest.h>

#include "core/frame.hpp"
#include "http_client.hpp"
#include "serve_process.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;

TEST_CASE("serve: a 5120x1440 panoramic source is served at full size, and a 4096-wide variant of it too") {
    ServeProcess serve({"--url", "lavfi:testsrc2=size=5120x1440:rate=1"});
    auto full = http_get(serve.port(), "/stream/snapshot");
    INFO(full.body.substr(0, 200));
    REQUIRE(full.status == 200);
    std::vector<uint8_t> bytes(full.body.begin(), full.body.end());
    auto frame = decode_frame(bytes, std::chrono::system_clock::now());
    REQUIRE(frame.has_value());
    CHECK(frame->width == 5120);
    CHECK(frame->height == 1440);
    CHECK(http_get(serve.port(), "/latest.jpg").status == 200);
    auto variant = http_get(serve.port(), "/stream/snapshot?width=4096");
    REQUIRE(variant.status == 200);
    std::vector<uint8_t> small(variant.body.begin(), variant.body.end());
    auto resized = decode_frame(small, std::chrono::system_clock::now());
    REQUIRE(resized.has_value());
    CHECK(resized->width == 4096);
    CHECK(resized->height == 1152);
}
