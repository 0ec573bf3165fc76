#include "core/jpeg_splitter.hpp"

#include <doctest/doctest.h>

#include <opencv2/core.hpp>
#include <string_view>

#include "core/jpeg_codec.hpp"

namespace ptzgrab {
namespace {

using Bytes = std::vector<uint8_t>;

// A real JPEG of noise: its entropy-coded data holds stuffed FF00 bytes.
Bytes noise_jpeg(int width, int height, int seed) {
    cv::Mat image(height, width, CV_8UC3);
    cv::theRNG().state = static_cast<uint64_t>(seed);
    cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
    auto jpeg = encode_jpeg_bgr(image, 90);
    REQUIRE(jpeg.has_value());
    return *jpeg;
}

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

struct Collected {
    std::vector<Bytes> frames;
    JpegSplitter splitter;
    explicit Collected(size_t cap)
        : splitter(cap, [this](Bytes jpeg) { frames.push_back(std::move(jpeg)); }) {}
    void feed(const Bytes& data, size_t from, size_t to) {
        splitter.feed(std::span<const uint8_t>(data).subspan(from, to - from));
    }
};

bool has_stuffed_zero(const Bytes& jpeg) {
    for (size_t i = 0; i + 1 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0x00) return true;
    return false;
}

}  // namespace

TEST_CASE("jpeg splitter: two pictures read in two parts split at any byte come out whole and alike") {
    Bytes first = noise_jpeg(32, 24, 1), second = noise_jpeg(40, 16, 2);
    REQUIRE(has_stuffed_zero(first));
    Bytes stream = first + second;
    for (size_t cut = 0; cut <= stream.size(); ++cut) {
        Collected c(64 * 1024);
        c.feed(stream, 0, cut);
        c.feed(stream, cut, stream.size());
        REQUIRE(c.frames.size() == 2);
        CHECK(c.frames[0] == first);
        CHECK(c.frames[1] == second);
        CHECK(c.splitter.skipped_bytes() == 0);
        CHECK(c.splitter.buffered_bytes() == 0);
    }
}

TEST_CASE("jpeg splitter: pictures fed one byte at a time come out whole") {
    Bytes first = noise_jpeg(32, 24, 3), second = noise_jpeg(16, 16, 4);
    Bytes stream = first + second;
    Collected c(64 * 1024);
    for (size_t i = 0; i < stream.size(); ++i) c.feed(stream, i, i + 1);
    REQUIRE(c.frames.size() == 2);
    CHECK(c.frames[0] == first);
    CHECK(c.frames[1] == second);
    CHECK(c.splitter.frames() == 2);
}

TEST_CASE("jpeg splitter: garbage before, between and after pictures is skipped and counted") {
    Bytes first = noise_jpeg(32, 24, 5), second = noise_jpeg(32, 24, 6);
    Bytes head = bytes("HTTP junk \xff"), middle = bytes("--boundary\r\n\xff\x00\xff"), tail = bytes("tail");
    Bytes stream = head + first + middle + second + tail;
    Collected c(64 * 1024);
    c.feed(stream, 0, 7);
    c.feed(stream, 7, stream.size());
    REQUIRE(c.frames.size() == 2);
    CHECK(c.frames[0] == first);
    CHECK(c.frames[1] == second);
    CHECK(c.splitter.skipped_bytes() == head.size() + middle.size() + tail.size());
}

TEST_CASE("jpeg splitter: a picture over the cap is dropped and counted, and the next good one comes out") {
    Bytes big = noise_jpeg(128, 128, 7), good = noise_jpeg(16, 16, 8);
    size_t cap = good.size() + 100;
    REQUIRE(big.size() > cap);
    Bytes stream = big + good;
    Collected c(cap);
    for (size_t at = 0; at < stream.size(); at += 333) {
        c.feed(stream, at, std::min(stream.size(), at + 333));
        CHECK(c.splitter.buffered_bytes() <= cap);
    }
    REQUIRE(c.frames.size() == 1);
    CHECK(c.frames[0] == good);
    CHECK(c.splitter.oversized() == 1);
    CHECK(c.splitter.skipped_bytes() == 0);
}

TEST_CASE("jpeg splitter: an EOI inside an APP1 segment (an EXIF thumbnail) does not cut the picture") {
    Bytes main = noise_jpeg(32, 24, 9), thumbnail = noise_jpeg(16, 16, 10);
    Bytes payload = bytes(std::string_view("Exif\0\0", 6)) + thumbnail;
    size_t length = payload.size() + 2;
    Bytes app1 = {0xFF, 0xE1, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length & 0xFF)};
    Bytes with_exif = Bytes(main.begin(), main.begin() + 2) + app1 + payload + Bytes(main.begin() + 2, main.end());
    Collected c(64 * 1024);
    c.feed(with_exif, 0, with_exif.size());
    REQUIRE(c.frames.size() == 1);
    CHECK(c.frames[0] == with_exif);
}

TEST_CASE("jpeg splitter: a picture cut short by a new one is dropped and the new one comes out") {
    Bytes broken = noise_jpeg(32, 24, 11), good = noise_jpeg(32, 24, 12);
    broken.resize(broken.size() / 2);
    Bytes stream = broken + good;
    Collected c(64 * 1024);
    c.feed(stream, 0, stream.size());
    REQUIRE(c.frames.size() == 1);
    CHECK(c.frames[0] == good);
    CHECK(c.splitter.skipped_bytes() == broken.size());
}

}  // namespace ptzgrab
