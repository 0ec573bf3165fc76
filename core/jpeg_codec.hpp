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

/// A BGR image, or bad_image when the bytes are not a decodable JPEG.
Result<cv::Mat> decode_jpeg(std::span<const uint8_t> jpeg);
/// `bgr` must be 8-bit, 3 channels; quality 1-100.
Result<std::vector<uint8_t>> encode_jpeg_bgr(const cv::Mat& bgr, int quality);

}  // namespace ptzgrab
