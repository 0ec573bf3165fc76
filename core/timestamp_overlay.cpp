#include <opencv2/imgproc.hpp>

#include "frame_pixels.hpp"

namespace ptzgrab {
namespace {

constexpr int font = cv::FONT_HERSHEY_SIMPLEX;

struct TextLayout {
    double scale;
    int thickness;
    int pad;
    cv::Size text;
    int baseline;
};

TextLayout layout_for(cv::Size picture, const std::string& text) {
    TextLayout l{};
    // About 1/24 of the picture's height, so the stamp reads the same on 360p and 4K.
    l.scale = std::max(0.35, picture.height / 24.0 / 22.0);
    l.thickness = std::max(1, static_cast<int>(l.scale * 2));
    l.pad = std::max(3, static_cast<int>(6 * l.scale));
    l.text = cv::getTextSize(text, font, l.scale, l.thickness, &l.baseline);
    return l;
}

}  // namespace

cv::Rect timestamp_area(cv::Size picture, const std::string& text) {
    TextLayout l = layout_for(picture, text);
    int w = l.text.width + 2 * l.pad;
    int h = l.text.height + l.baseline + 2 * l.pad;
    cv::Rect box(l.pad, picture.height - h - l.pad, w, h);
    return box & cv::Rect(0, 0, picture.width, picture.height);
}

void draw_timestamp(cv::Mat& bgr, const std::string& text) {
    cv::Rect box = timestamp_area(bgr.size(), text);
    if (box.area() <= 0) return;
    TextLayout l = layout_for(bgr.size(), text);
    cv::Mat region = bgr(box);
    region.convertTo(region, -1, 0.35, 0);  // darken what is behind the text
    cv::Point origin(box.x + l.pad, box.y + l.pad + l.text.height);
    cv::putText(bgr, text, origin, font, l.scale, cv::Scalar(255, 255, 255), l.thickness, cv::LINE_AA);
}

}  // namespace ptzgrab
