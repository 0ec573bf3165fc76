#include "core/jpeg_header.hpp"

#include <doctest/doctest.h>

#include <opencv2/core.hpp>

#include "core/jpeg_codec.hpp"

namespace ptzgrab {

TEST_CASE("jpeg header: a whole JPEG's size is read without decoding it") {
    auto jpeg = encode_jpeg_bgr(cv::Mat(24, 40, CV_8UC3, cv::Scalar::all(90)), 80);
    REQUIRE(jpeg.has_value());
    auto size = check_whole_jpeg(*jpeg);
    REQUIRE(size.has_value());
    CHECK(size->width == 40);
    CHECK(size->height == 24);
}

TEST_CASE("jpeg header: a cut JPEG, a tiny one and a bomb's header are refused as bad images") {
    auto jpeg = encode_jpeg_bgr(cv::Mat(24, 40, CV_8UC3, cv::Scalar::all(90)), 80);
    REQUIRE(jpeg.has_value());
    std::vector<uint8_t> cut(jpeg->begin(), jpeg->end() - 10);
    CHECK(check_whole_jpeg(cut).error().kind == ErrorKind::bad_image);
    auto tiny = encode_jpeg_bgr(cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(90)), 80);
    REQUIRE(tiny.has_value());
    CHECK_FALSE(check_whole_jpeg(*tiny).has_value());
    // The same bytes claiming 16384x16384 in their frame header.
    std::vector<uint8_t> bomb = *jpeg;
    for (size_t i = 2; i + 9 < bomb.size(); ++i) {
        if (bomb[i] == 0xFF && bomb[i + 1] == 0xC0) {
            bomb[i + 5] = 0x40, bomb[i + 6] = 0x00, bomb[i + 7] = 0x40, bomb[i + 8] = 0x00;
            break;
        }
    }
    auto refused = check_whole_jpeg(bomb);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("16384x16384") != std::string::npos);
}

}  // namespace ptzgrab
