#pragma once
// Core-internal: a JPEG's claimed size read from its frame header (SOFn) without decoding, so a
// live frame is checked before it is published and decoded only when someone asks for it.
#include <cstdint>
#include <span>

#include "error.hpp"

namespace ptzgrab {

struct JpegDimensions {
    int width = 0;
    int height = 0;
};

/// The width and height of the first SOFn, or bad_image when the bytes are not SOI, segments, SOFn.
Result<JpegDimensions> read_jpeg_dimensions(std::span<const uint8_t> jpeg);

/// A whole JPEG (SOI ... EOI) whose header claims a sane size (check_claimed_size, frame.hpp bounds).
Result<JpegDimensions> check_whole_jpeg(std::span<const uint8_t> jpeg);

}  // namespace ptzgrab
