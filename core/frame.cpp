#include "frame.hpp"

#include <ctime>
#include <fstream>
#include <iterator>
#include <opencv2/imgproc.hpp>

#include "frame_pixels.hpp"
#include "jpeg_codec.hpp"

namespace ptzgrab {
namespace {

Result<Frame> check_decoded(cv::Mat image, std::chrono::system_clock::time_point grabbed_at) {
    if (image.empty()) return make_error(ErrorKind::bad_image, "the frame is empty");
    if (image.cols < min_frame_side_px || image.rows < min_frame_side_px || image.cols > max_frame_side_px ||
        image.rows > max_frame_side_px || int64_t{image.cols} * image.rows > max_frame_pixels) {
        return make_error(ErrorKind::bad_image, "implausible frame size " + std::to_string(image.cols) + "x" +
                                                    std::to_string(image.rows));
    }
    return make_frame(std::move(image), grabbed_at);
}

// Both sides given: exact size. One side: the other follows the aspect ratio.
cv::Size target_size(cv::Size current, int width, int height) {
    if (width > 0 && height > 0) return {width, height};
    if (width > 0) return {width, std::max(1, static_cast<int>(std::lround(double(current.height) * width / current.width)))};
    if (height > 0) return {std::max(1, static_cast<int>(std::lround(double(current.width) * height / current.height))), height};
    return current;
}

}  // namespace

Frame make_frame(cv::Mat bgr, std::chrono::system_clock::time_point grabbed_at) {
    Frame f;
    f.width = bgr.cols;
    f.height = bgr.rows;
    f.grabbed_at = grabbed_at;
    f.pixels = std::make_shared<const Pixels>(Pixels{std::move(bgr)});
    return f;
}

Result<Frame> load_frame(const std::filesystem::path& file, std::chrono::system_clock::time_point grabbed_at) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorKind::bad_image, "cannot open the frame file", file.string());
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    return decode_frame(bytes, grabbed_at);
}

Result<Frame> decode_frame(std::span<const uint8_t> encoded, std::chrono::system_clock::time_point grabbed_at) {
    try {
        auto image = decode_jpeg(encoded);
        if (!image) return std::unexpected(image.error());
        return check_decoded(std::move(*image), grabbed_at);
    } catch (const cv::Exception& e) {
        return make_error(ErrorKind::bad_image, "cannot decode the frame", e.what());
    }
}

std::string opencv_version() { return CV_VERSION; }

std::string format_timestamp(std::chrono::system_clock::time_point when, const std::string& format, bool utc) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    if (utc) ::gmtime_r(&t, &tm); else ::localtime_r(&t, &tm);
    char buffer[256];
    size_t n = std::strftime(buffer, sizeof buffer, format.c_str(), &tm);
    return std::string(buffer, n);
}

Result<Frame> render_frame(const Frame& frame, const RenderOptions& options) {
    if (!frame.pixels) return make_error(ErrorKind::bad_image, "no frame to render");
    if (options.width < 0 || options.height < 0 || options.width > max_render_side_px ||
        options.height > max_render_side_px)
        return make_error(ErrorKind::invalid_input, "width/height out of range");
    try {
        const cv::Mat& source = frame.pixels->bgr;
        cv::Size size = target_size(source.size(), options.width, options.height);
        bool resized = size != source.size();
        if (resized && (size.width > max_render_side_px || size.height > max_render_side_px))
            return make_error(ErrorKind::invalid_input, "the resized frame would exceed " +
                                                            std::to_string(max_render_side_px) + " px a side");
        cv::Mat out;
        if (size == source.size()) {
            out = source.clone();
        } else {
            int interpolation = size.area() < source.size().area() ? cv::INTER_AREA : cv::INTER_LINEAR;
            cv::resize(source, out, size, 0, 0, interpolation);
        }
        if (options.timestamp)
            draw_timestamp(out, format_timestamp(frame.grabbed_at, options.timestamp_format, options.utc));
        return make_frame(std::move(out), frame.grabbed_at);
    } catch (const cv::Exception& e) {
        return make_error(ErrorKind::bad_image, "cannot render the frame", e.what());
    }
}

Result<std::vector<uint8_t>> encode_jpeg(const Frame& frame, int quality) {
    if (!frame.pixels) return make_error(ErrorKind::bad_image, "no frame to encode");
    return encode_jpeg_bgr(frame.pixels->bgr, quality);
}

Result<std::vector<uint8_t>> render_jpeg(const Frame& frame, const RenderOptions& options) {
    auto rendered = render_frame(frame, options);
    if (!rendered) return std::unexpected(rendered.error());
    return encode_jpeg(*rendered, options.quality);
}

}  // namespace ptzgrab
