#include "jpeg_codec.hpp"

#include <turbojpeg.h>

#include <memory>
#include <string>

#include "frame.hpp"

namespace ptzgrab {
namespace {

struct HandleCloser {
    void operator()(void* handle) const { tjDestroy(handle); }
};
using Handle = std::unique_ptr<void, HandleCloser>;

}  // namespace

Result<void> check_claimed_size(int width, int height, size_t encoded_bytes) {
    std::string size = std::to_string(width) + "x" + std::to_string(height);
    if (width < min_frame_side_px || height < min_frame_side_px || width > max_frame_side_px ||
        height > max_frame_side_px || int64_t{width} * height > max_frame_pixels)
        return make_error(ErrorKind::bad_image, "implausible frame size " + size);
    if (static_cast<int64_t>(encoded_bytes) < int64_t{width} * height / min_pixels_per_byte_divisor)
        return make_error(ErrorKind::bad_image, "a " + std::to_string(encoded_bytes) + "-byte JPEG cannot hold " +
                                                    size + " pixels (a decompression bomb?)");
    return {};
}

Result<cv::Mat> decode_jpeg(std::span<const uint8_t> jpeg) {
    if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        return make_error(ErrorKind::bad_image, "not a JPEG image");
    Handle handle(tjInitDecompress());
    if (!handle) return make_error(ErrorKind::bad_image, "cannot start the JPEG decoder", tjGetErrorStr());
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle.get(), jpeg.data(), jpeg.size(), &width, &height, &subsampling, &colorspace) != 0)
        return make_error(ErrorKind::bad_image, "broken JPEG header", tjGetErrorStr2(handle.get()));
    if (auto size_ok = check_claimed_size(width, height, jpeg.size()); !size_ok) return std::unexpected(size_ok.error());
    cv::Mat bgr(height, width, CV_8UC3);
    if (tjDecompress2(handle.get(), jpeg.data(), jpeg.size(), bgr.data, width, static_cast<int>(bgr.step), height,
                      TJPF_BGR, TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS) != 0 &&
        tjGetErrorCode(handle.get()) == TJERR_FATAL)
        return make_error(ErrorKind::bad_image, "broken JPEG data", tjGetErrorStr2(handle.get()));
    return bgr;
}

Result<std::vector<uint8_t>> encode_jpeg_bgr(const cv::Mat& bgr, int quality) {
    if (bgr.empty() || bgr.type() != CV_8UC3) return make_error(ErrorKind::bad_image, "nothing to encode");
    if (quality < 1 || quality > 100) return make_error(ErrorKind::invalid_input, "quality must be 1-100");
    Handle handle(tjInitCompress());
    if (!handle) return make_error(ErrorKind::bad_image, "cannot start the JPEG encoder", tjGetErrorStr());
    unsigned char* out = nullptr;
    unsigned long size = 0;
    int rc = tjCompress2(handle.get(), bgr.data, bgr.cols, static_cast<int>(bgr.step), bgr.rows, TJPF_BGR, &out,
                         &size, TJSAMP_420, quality, 0);
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(out, tjFree);
    if (rc != 0) return make_error(ErrorKind::bad_image, "JPEG encoding failed", tjGetErrorStr2(handle.get()));
    return std::vector<uint8_t>(out, out + size);
}

}  // namespace ptzgrab
