#pragma once
// Where a camera picture lies in the test camera's base image, as the pan, tilt and zoom that show it:
// proves a move by the picture itself (OpenCV matchTemplate), not by what the camera reports.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace ptzgrab::testing {

struct PtzPosition {
    double pan = 0, tilt = 0, zoom = 0;
};

/// The test camera's geometry: the crop of a W x H base image that a position shows (centre and size, pixels).
struct CropWindow {
    double cx = 0, cy = 0, width = 0, height = 0;
};
CropWindow crop_for(const PtzPosition& position, int base_width, int base_height);
PtzPosition position_for(const CropWindow& crop, int base_width, int base_height);

struct PictureLocation {
    PtzPosition position;
    double score = -1;  // normalized cross-correlation of the best match, -1..1 (above ~0.8: found)
};

/// Searches every zoom (or only `zoom` when given); nullopt when a JPEG does not decode.
std::optional<PictureLocation> locate_picture(const std::vector<uint8_t>& snapshot_jpeg,
                                              const std::filesystem::path& base_image,
                                              std::optional<double> zoom = std::nullopt);
std::optional<PictureLocation> locate_picture(const std::filesystem::path& snapshot_jpeg,
                                              const std::filesystem::path& base_image,
                                              std::optional<double> zoom = std::nullopt);

}  // namespace ptzgrab::testing
