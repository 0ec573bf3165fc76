// Fuzzes the JPEG header check and decoder (core/frame.hpp decode_frame) with bytes as a camera or
// ffmpeg could send them. Oracles: an error is bad_image; a frame has pixels, a size within the
// frame bounds, and (when small, to keep the pace) encodes again and decodes to the same size.
#include <chrono>
#include <cstdint>
#include <span>

#include "core/frame.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace ptzgrab;
    constexpr long re_encode_max_pixels = 256 * 256;
    auto frame = decode_frame(std::span<const uint8_t>(data, size), std::chrono::system_clock::time_point{});
    if (!frame) {
        FUZZ_CHECK(frame.error().kind == ErrorKind::bad_image, "a refused frame is not bad_image");
        return 0;
    }
    FUZZ_CHECK(frame->pixels != nullptr, "a decoded frame without pixels");
    FUZZ_CHECK(frame->width >= min_frame_side_px && frame->width <= max_frame_side_px, "width out of bounds");
    FUZZ_CHECK(frame->height >= min_frame_side_px && frame->height <= max_frame_side_px, "height out of bounds");
    if (long(frame->width) * frame->height <= re_encode_max_pixels) {
        auto jpeg = encode_jpeg(*frame, 75);
        FUZZ_CHECK(jpeg.has_value(), "a decoded frame does not encode");
        auto again = decode_frame(*jpeg, frame->grabbed_at);
        FUZZ_CHECK(again && again->width == frame->width && again->height == frame->height,
                   "a re-encoded frame does not decode to the same size");
    }
    return 0;
}
