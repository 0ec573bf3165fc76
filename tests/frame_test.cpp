#include <doctest/doctest.h>

#include <fstream>
#include "core/frame_pixels.hpp"
#include "core/jpeg_codec.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using Clock = std::chrono::system_clock;

namespace {

Frame flat_frame(int w, int h, uint8_t level) { return make_frame(cv::Mat(h, w, CV_8UC3, cv::Scalar::all(level)), Clock::now()); }

std::filesystem::path write_jpeg(const std::filesystem::path& p, const cv::Mat& image) {
    auto bytes = encode_jpeg_bgr(image, 90);
    REQUIRE(bytes.has_value());
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    return p;
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("frame: the timestamp changes pixels inside its box and nowhere else") {
    for (uint8_t level : {uint8_t(20), uint8_t(235)}) {  // dark and light pictures
        Frame plain = flat_frame(640, 360, level);
        RenderOptions options;
        options.quality = 90;
        auto stamped = render_frame(plain, options);
        REQUIRE(stamped.has_value());
        std::string text = format_timestamp(plain.grabbed_at, options.timestamp_format, false);
        cv::Rect box = timestamp_area({640, 360}, text);
        cv::Mat diff;
        cv::absdiff(plain.pixels->bgr, stamped->pixels->bgr, diff);
        cv::Mat outside = diff.clone();
        outside(box).setTo(cv::Scalar::all(0));
        CHECK(cv::countNonZero(outside.reshape(1)) == 0);
        CHECK(cv::countNonZero(diff(box).clone().reshape(1)) > box.area() / 2);
        // Legible on both: bright text on a box darker than the picture.
        double min_v = 0, max_v = 0;
        cv::minMaxLoc(stamped->pixels->bgr(box).clone().reshape(1), &min_v, &max_v);
        CHECK(max_v > 200);
        CHECK(min_v < level);
    }
}

TEST_CASE("frame: with --no-timestamp nothing is drawn") {
    Frame plain = flat_frame(320, 240, 128);
    RenderOptions options;
    options.timestamp = false;
    auto rendered = render_frame(plain, options);
    REQUIRE(rendered.has_value());
    cv::Mat diff;
    cv::absdiff(plain.pixels->bgr, rendered->pixels->bgr, diff);
    CHECK(cv::countNonZero(diff.reshape(1)) == 0);
}

TEST_CASE("frame: width or height alone keeps the aspect ratio") {
    Frame plain = flat_frame(1280, 720, 100);
    RenderOptions options;
    options.timestamp = false;
    options.width = 640;
    auto by_width = render_frame(plain, options);
    REQUIRE(by_width.has_value());
    CHECK(by_width->width == 640);
    CHECK(by_width->height == 360);
    options.width = 0;
    options.height = 180;
    auto by_height = render_frame(plain, options);
    REQUIRE(by_height.has_value());
    CHECK(by_height->width == 320);
    CHECK(by_height->height == 180);
    options.width = 100;
    options.height = 100;
    auto both = render_frame(plain, options);
    REQUIRE(both.has_value());
    CHECK(both->width == 100);
    CHECK(both->height == 100);
}

TEST_CASE("frame: the JPEG quality setting changes the size of the encoding") {
    cv::Mat noise(360, 640, CV_8UC3);
    cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
    Frame f = make_frame(noise, Clock::now());
    auto low = encode_jpeg(f, 10);
    auto high = encode_jpeg(f, 95);
    REQUIRE(low.has_value());
    REQUIRE(high.has_value());
    CHECK(low->size() < high->size());
    auto back = decode_frame(*high, Clock::now());
    REQUIRE(back.has_value());
    CHECK(back->width == 640);
    CHECK_FALSE(encode_jpeg(f, 0).has_value());
}

TEST_CASE("frame: garbage, empty and implausibly small files are bad images") {
    testing::ScratchDir dir;
    std::ofstream(dir / "garbage.jpg") << "this is not a jpeg at all";
    std::ofstream(dir / "empty.jpg");
    write_jpeg(dir / "tiny.jpg", cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(9)));
    std::string truncated = read_all(write_jpeg(dir / "whole.jpg", cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(50))));
    std::ofstream(dir / "truncated.jpg", std::ios::binary) << truncated.substr(0, 20);
    for (const char* name : {"garbage.jpg", "empty.jpg", "tiny.jpg", "truncated.jpg", "missing.jpg"}) {
        CAPTURE(name);
        auto loaded = load_frame(dir / name, Clock::now());
        REQUIRE_FALSE(loaded.has_value());
        CHECK(loaded.error().kind == ErrorKind::bad_image);
    }
    write_jpeg(dir / "ok.jpg", cv::Mat(64, 48, CV_8UC3, cv::Scalar::all(9)));
    auto ok = load_frame(dir / "ok.jpg", Clock::now());
    REQUIRE(ok.has_value());
    CHECK(ok->width == 48);
    CHECK(ok->height == 64);
}
