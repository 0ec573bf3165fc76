// The limits a frame must meet: wide and 8K sources pass, decompression bombs are refused unread.
#include <doctest/doctest.h>

#include "core/frame_pixels.hpp"
#include "core/jpeg_codec.hpp"

using namespace ptzgrab;
using Clock = std::chrono::system_clock;

namespace {

// A small real JPEG whose SOF header is rewritten to claim `width` x `height`.
std::vector<uint8_t> jpeg_claiming(int width, int height) {
    auto bytes = encode_jpeg_bgr(cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(128)), 50);
    REQUIRE(bytes.has_value());
    std::vector<uint8_t> jpeg = std::move(*bytes);
    for (size_t i = 2; i + 9 < jpeg.size(); ++i) {
        if (jpeg[i] != 0xFF || (jpeg[i + 1] != 0xC0 && jpeg[i + 1] != 0xC2)) continue;
        jpeg[i + 5] = static_cast<uint8_t>(height >> 8);
        jpeg[i + 6] = static_cast<uint8_t>(height & 0xFF);
        jpeg[i + 7] = static_cast<uint8_t>(width >> 8);
        jpeg[i + 8] = static_cast<uint8_t>(width & 0xFF);
        return jpeg;
    }
    FAIL("no SOF marker in the encoder's output");
    return {};
}

Frame flat_frame(int w, int h) { return make_frame(cv::Mat(h, w, CV_8UC3, cv::Scalar::all(90)), Clock::now()); }

}  // namespace

TEST_CASE("frame limits: a few hundred bytes claiming 16384x16384 are refused as bad_image before decoding") {
    auto bomb = jpeg_claiming(16384, 16384);
    CHECK(bomb.size() < 1000);
    auto frame = decode_frame(bomb, Clock::now());
    REQUIRE_FALSE(frame.has_value());
    CHECK(frame.error().kind == ErrorKind::bad_image);
}

TEST_CASE("frame limits: a header whose size is allowed but cannot fit in so few bytes is refused too") {
    auto bomb = jpeg_claiming(8192, 4096);  // 32 MP, under the pixel cap, in a few hundred bytes
    auto frame = decode_frame(bomb, Clock::now());
    REQUIRE_FALSE(frame.has_value());
    CHECK(frame.error().kind == ErrorKind::bad_image);
    CHECK(frame.error().message.find("bomb") != std::string::npos);
}

TEST_CASE("frame limits: the density floor passes a real black 8K JPEG, the sparsest a camera sends") {
    // 7680x4320 at the coarsest quality, as ffmpeg's -q:v 31 makes it: about a byte per 170 pixels.
    CHECK(check_claimed_size(7680, 4320, 194'621).has_value());
    CHECK(check_claimed_size(16384, 4096, 393'437).has_value());
    CHECK_FALSE(check_claimed_size(16384, 16384, 1'000'000).has_value());  // over the pixel cap
}

TEST_CASE("frame limits: a 5120x1440 panoramic frame renders and encodes at its own size") {
    auto jpeg = render_jpeg(flat_frame(5120, 1440), RenderOptions{});
    REQUIRE_MESSAGE(jpeg.has_value(), jpeg.error().message);
    auto back = decode_frame(*jpeg, Clock::now());
    REQUIRE(back.has_value());
    CHECK(back->width == 5120);
    CHECK(back->height == 1440);
}

TEST_CASE("frame limits: a requested variant is still capped at 4096 px a side, the source is not") {
    Frame wide = flat_frame(5120, 1440);
    RenderOptions smaller;
    smaller.width = 2560;
    auto half = render_frame(wide, smaller);
    REQUIRE(half.has_value());
    CHECK(half->height == 720);
    RenderOptions taller;
    taller.height = 2000;  // the width would follow to 7111 px
    auto too_wide = render_frame(wide, taller);
    REQUIRE_FALSE(too_wide.has_value());
    CHECK(too_wide.error().kind == ErrorKind::invalid_input);
}
