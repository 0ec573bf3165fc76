#pragma once
// Core-internal: JPEG to and from OpenCV images through libjpeg-turbo's TurboJPEG API.
// Debian's OpenCV imgcodecs links GDAL and ~110 more libraries, which costs about
// 100 ms at every process start: more than all the work ptzgrab does on a frame.
#include <cstdint>
#include <opencv2/core.hpp>
#include <span>
#include <vector>

#include "error.hpp"

namespace ptzgrab {

/// A JPEG's bytes per pixel have a floor: ffmpeg's coarsest JPEG of a black 8K frame
/// (-q:v 31) takes a byte per 170 pixels. A header claiming 2048 pixels or more per byte is a bomb.
constexpr int64_t min_pixels_per_byte_divisor = 2048;

/// Checks a header's claimed size before anything is allocated for it: sides, pixel count, density.
Result<void> check_claimed_size(int width, int height, size_t encoded_bytes);

/// A BGR image, or bad_image when the bytes are not a decodable JPEG.
Result<cv::Mat> decode_jpeg(std::span<const uint8_t> jpeg);
/// `bgr` must be 8-bit, 3 channels; quality 1-100.
Result<std::vector<uint8_t>> encode_jpeg_bgr(const cv::Mat& bgr, int quality);

}  // namespace ptzgrab
