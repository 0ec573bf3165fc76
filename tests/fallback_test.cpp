#include <doctest/doctest.h>

#include "core/fallback.hpp"
#include "core/frame.hpp"

using namespace ptzgrab;
using Clock = std::chrono::system_clock;

TEST_CASE("fallback: the ffmpeg-missing card decodes at the size asked for") {
    auto card = ffmpeg_missing_card("ffmpeg is not installed (not found in PATH)", {640, 360});
    auto decoded = decode_frame(card, Clock::now());
    REQUIRE(decoded.has_value());
    CHECK(decoded->width == 640);
    CHECK(decoded->height == 360);
}

TEST_CASE("fallback: the diagnostic card decodes, default 1280x720, and differs per error") {
    Error timeout{ErrorKind::timeout, "no frame within 2.0 s", "Connection timed out"};
    Error refused{ErrorKind::source_unreachable, "cannot open", "Connection refused"};
    auto a = diagnostic_card("rtsp://admin:***@cam/s", timeout, Clock::now());
    auto b = diagnostic_card("rtsp://admin:***@cam/s", refused, Clock::now());
    auto decoded = decode_frame(a, Clock::now());
    REQUIRE(decoded.has_value());
    CHECK(decoded->width == 1280);
    CHECK(decoded->height == 720);
    CHECK(a != b);
}

TEST_CASE("fallback: card_for_error picks the ffmpeg card for a missing ffmpeg") {
    Error missing{ErrorKind::ffmpeg_missing, "ffmpeg not found", ""};
    auto when = Clock::now();
    CHECK(card_for_error("x", missing, when, {320, 240}) == ffmpeg_missing_card("ffmpeg not found", {320, 240}));
    Error other{ErrorKind::no_frame, "nothing", ""};
    CHECK(card_for_error("x", other, when, {320, 240}) == diagnostic_card("x", other, when, {320, 240}));
}
