#include "jpeg_header.hpp"

#include "jpeg_codec.hpp"

namespace ptzgrab {
namespace {

bool is_frame_header(uint8_t marker) {
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

}  // namespace

Result<JpegDimensions> read_jpeg_dimensions(std::span<const uint8_t> jpeg) {
    if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return make_error(ErrorKind::bad_image, "not a JPEG");
    size_t at = 2;
    while (at + 4 <= jpeg.size()) {
        if (jpeg[at] != 0xFF) return make_error(ErrorKind::bad_image, "a JPEG segment without a marker");
        uint8_t marker = jpeg[at + 1];
        if (marker == 0xFF) {
            ++at;
            continue;
        }
        size_t length = size_t{jpeg[at + 2]} << 8 | jpeg[at + 3];
        if (length < 2) return make_error(ErrorKind::bad_image, "a JPEG segment of impossible length");
        if (is_frame_header(marker)) {
            if (length < 7 || at + 9 > jpeg.size()) break;
            int height = jpeg[at + 5] << 8 | jpeg[at + 6];
            int width = jpeg[at + 7] << 8 | jpeg[at + 8];
            return JpegDimensions{width, height};
        }
        if (marker == 0xDA || marker == 0xD9) break;  // image data before any frame header
        at += 2 + length;
    }
    return make_error(ErrorKind::bad_image, "a JPEG without a frame header");
}

Result<JpegDimensions> check_whole_jpeg(std::span<const uint8_t> jpeg) {
    if (jpeg.size() < 4 || jpeg[jpeg.size() - 2] != 0xFF || jpeg.back() != 0xD9)
        return make_error(ErrorKind::bad_image, "a JPEG without its end marker");
    auto size = read_jpeg_dimensions(jpeg);
    if (!size) return size;
    if (auto sane = check_claimed_size(size->width, size->height, jpeg.size()); !sane)
        return std::unexpected(sane.error());
    return size;
}

}  // namespace ptzgrab
