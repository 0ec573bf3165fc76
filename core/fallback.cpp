#include "fallback.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "frame.hpp"
#include "jpeg_codec.hpp"

namespace ptzgrab {
namespace {

struct Line {
    std::string text;
    double scale;
    cv::Scalar color;
};

// OpenCV's Hershey fonts draw ASCII only; anything else becomes '?'.
std::string printable(std::string_view s) {
    std::string out;
    for (unsigned char c : s) out.push_back(c >= 32 && c < 127 ? static_cast<char>(c) : '?');
    return out;
}

// Splits text into lines that fit `width_px` at `scale`.
std::vector<std::string> wrap(const std::string& text, double scale, int width_px) {
    std::vector<std::string> lines;
    std::string current;
    int baseline = 0;
    for (char c : text) {
        current.push_back(c);
        if (cv::getTextSize(current, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width > width_px) {
            size_t cut = current.find_last_of(" /&?");
            if (cut == std::string::npos || cut < current.size() / 2) cut = current.size() - 1;
            lines.push_back(current.substr(0, cut));
            current = current.substr(cut);
        }
    }
    if (!current.empty()) lines.push_back(current);
    return lines;
}

std::vector<uint8_t> draw_card(CardSize size, const cv::Scalar& background, const std::vector<Line>& lines) {
    int width = std::clamp(size.width, min_frame_side_px, max_render_side_px);
    int height = std::clamp(size.height, min_frame_side_px, max_render_side_px);
    cv::Mat card(height, width, CV_8UC3, background);
    double unit = height / 720.0;
    int margin = std::max(4, static_cast<int>(40 * unit));
    int y = margin;
    for (const Line& line : lines) {
        double scale = std::max(0.3, line.scale * unit);
        int thickness = std::max(1, static_cast<int>(2 * scale));
        for (const std::string& part : wrap(printable(line.text), scale, width - 2 * margin)) {
            int baseline = 0;
            cv::Size text = cv::getTextSize(part, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
            y += text.height + baseline + static_cast<int>(10 * unit);
            if (y > height - margin / 2) break;
            cv::putText(card, part, {margin, y}, cv::FONT_HERSHEY_SIMPLEX, scale, line.color, thickness, cv::LINE_AA);
        }
    }
    auto bytes = encode_jpeg_bgr(card, 85);
    return bytes ? std::move(*bytes) : std::vector<uint8_t>{};
}

std::string advice_for(ErrorKind kind) {
    if (kind == ErrorKind::io_error) return "Check free space and permissions of the temp folder ($TMPDIR, /tmp).";
    if (kind == ErrorKind::bad_image) return "The camera sent a picture that is not a sane JPEG.";
    return "Check the URL, the network path to the camera, or raise --timeout.";
}

const cv::Scalar white(255, 255, 255), grey(190, 190, 190), amber(60, 190, 255);

}  // namespace

std::vector<uint8_t> ffmpeg_missing_card(const std::string& problem, CardSize size) {
    return draw_card(size, cv::Scalar(70, 40, 20),
                     {{"ptzgrab: ffmpeg is not installed", 1.4, amber},
                      {"Frames are grabbed by the ffmpeg program, which was not found.", 0.8, white},
                      {problem, 0.7, grey},
                      {"Debian/Ubuntu: apt-get install ffmpeg", 0.8, white},
                      {"or point ptzgrab at it: --ffmpeg /path/to/ffmpeg or PTZGRAB_FFMPEG", 0.8, white},
                      {"Check with: ptzgrab info", 0.8, white}});
}

std::vector<uint8_t> diagnostic_card(const std::string& masked_url, const Error& error,
                                     std::chrono::system_clock::time_point when, CardSize size) {
    std::vector<Line> lines = {
        {"ptzgrab: no frame from this source", 1.4, amber},
        {"Source: " + masked_url, 0.75, white},
        {"Failed: " + std::string(to_string(error.kind)) + " - " + error.message, 0.75, white},
    };
    if (!error.detail.empty()) lines.push_back({"ffmpeg: " + error.detail, 0.65, grey});
    lines.push_back({"Time: " + format_timestamp(when, "%Y-%m-%d %H:%M:%S %Z", false), 0.75, white});
    lines.push_back({advice_for(error.kind), 0.65, grey});
    return draw_card(size, cv::Scalar(40, 30, 70), lines);
}

std::vector<uint8_t> card_for_error(const std::string& masked_url, const Error& error,
                                    std::chrono::system_clock::time_point when, CardSize size) {
    if (error.kind == ErrorKind::ffmpeg_missing) return ffmpeg_missing_card(error.message, size);
    return diagnostic_card(masked_url, error, when, size);
}

}  // namespace ptzgrab
