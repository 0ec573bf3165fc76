#pragma once
// A grabbed picture, kept decoded so that variants (size, quality, stamp) need no new grab.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "error.hpp"

namespace ptzgrab {

struct Pixels;  // OpenCV's image; private to core (frame_pixels.hpp)

struct Frame {
    std::shared_ptr<const Pixels> pixels;
    int width = 0;
    int height = 0;
    std::chrono::system_clock::time_point grabbed_at;
};

/// The sanity bounds a picture must meet to count as a frame. Panoramic (5120x1440, 32:9) and
/// 8K (7680x4320) cameras fit; the pixel cap bounds one frame's memory (64 MP: 192 MB decoded).
constexpr int min_frame_side_px = 16;
constexpr int max_frame_side_px = 16384;
constexpr int64_t max_frame_pixels = int64_t{64} * 1024 * 1024;
/// The largest side a *requested* variant may have: one request must not cost gigabytes.
/// The source's own size is never capped by it.
constexpr int max_render_side_px = 4096;

/// Loads what ffmpeg wrote and checks that it is a real picture of a sane size.
Result<Frame> load_frame(const std::filesystem::path& file, std::chrono::system_clock::time_point grabbed_at);
Result<Frame> decode_frame(std::span<const uint8_t> encoded, std::chrono::system_clock::time_point grabbed_at);

struct RenderOptions {
    int width = 0;     // 0: keep; one of width/height alone keeps the aspect ratio
    int height = 0;
    int quality = 90;  // JPEG quality 1-100
    bool timestamp = true;
    std::string timestamp_format = "%Y-%m-%d %H:%M:%S";
    bool utc = false;  // local time by default

    bool operator==(const RenderOptions&) const = default;
};

/// Resize then stamp the grab time (not the render time) onto a copy of `frame`.
Result<Frame> render_frame(const Frame& frame, const RenderOptions& options);
Result<std::vector<uint8_t>> encode_jpeg(const Frame& frame, int quality);
/// render_frame + encode_jpeg, the usual path to bytes.
Result<std::vector<uint8_t>> render_jpeg(const Frame& frame, const RenderOptions& options);

/// OpenCV's version string, for `ptzgrab info` and /stream/info.
std::string opencv_version();

/// The timestamp text for `when`, as it will be drawn.
std::string format_timestamp(std::chrono::system_clock::time_point when, const std::string& format, bool utc);

}  // namespace ptzgrab
