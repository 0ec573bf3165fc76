#pragma once
// Core-internal: the OpenCV side of Frame, shared by frame, overlay and fallback code and their tests.
#include <opencv2/core.hpp>

#include "frame.hpp"

namespace ptzgrab {

struct Pixels {
    cv::Mat bgr;  // 8-bit, 3 channels
};

Frame make_frame(cv::Mat bgr, std::chrono::system_clock::time_point grabbed_at);

/// Where the timestamp goes on a picture of this size (bottom left), box included.
cv::Rect timestamp_area(cv::Size picture, const std::string& text);
/// A darkened box with white text: readable on light and dark pictures alike.
void draw_timestamp(cv::Mat& bgr, const std::string& text);

}  // namespace ptzgrab
