#include "picture_locator.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <opencv2/imgproc.hpp>

#include "core/jpeg_codec.hpp"

namespace ptzgrab::testing {
namespace {

constexpr double coarse_scale = 0.25;  // first pass over every zoom on a quarter-size base image
constexpr double fine_scale = 0.5;     // second pass near the best coarse zoom and place
constexpr double coarse_zoom_step = 0.025;
constexpr double fine_zoom_step = 0.005;

struct Match {
    double zoom = 0, score = -2;
    cv::Point2d centre;  // in base-image pixels
};

std::optional<cv::Mat> gray_of(std::span<const uint8_t> jpeg) {
    auto bgr = decode_jpeg(jpeg);
    if (!bgr) return std::nullopt;
    cv::Mat gray;
    cv::cvtColor(*bgr, gray, cv::COLOR_BGR2GRAY);
    return gray;
}

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Matches the snapshot, resized to the crop a zoom shows, inside `area` (base pixels) of the base image
// scaled by `scale`.
Match match_at(const cv::Mat& base_scaled, double scale, const cv::Mat& snapshot, double zoom, cv::Rect area,
               int base_w, int base_h) {
    CropWindow crop = crop_for({0, 0, zoom}, base_w, base_h);
    cv::Size templ_size(std::max(8, int(std::lround(crop.width * scale))), std::max(8, int(std::lround(crop.height * scale))));
    cv::Mat templ;
    cv::resize(snapshot, templ, templ_size, 0, 0, templ_size.width < snapshot.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::Rect scaled_area(int(area.x * scale), int(area.y * scale), int(area.width * scale), int(area.height * scale));
    scaled_area &= cv::Rect(0, 0, base_scaled.cols, base_scaled.rows);
    if (scaled_area.width < templ.cols || scaled_area.height < templ.rows) return {};
    cv::Mat result;
    cv::matchTemplate(base_scaled(scaled_area), templ, result, cv::TM_CCOEFF_NORMED);
    double best = 0;
    cv::Point at;
    cv::minMaxLoc(result, nullptr, &best, nullptr, &at);
    Match m;
    m.zoom = zoom;
    m.score = best;
    m.centre = {(scaled_area.x + at.x + templ.cols / 2.0) / scale, (scaled_area.y + at.y + templ.rows / 2.0) / scale};
    return m;
}

Match best_over(const cv::Mat& base, double scale, const cv::Mat& snapshot, double zoom_from, double zoom_to,
                double step, cv::Rect area) {
    cv::Mat scaled;
    cv::resize(base, scaled, cv::Size(), scale, scale, cv::INTER_AREA);
    Match best;
    for (double z = zoom_from; z <= zoom_to + 1e-9; z += step) {
        Match m = match_at(scaled, scale, snapshot, std::clamp(z, 0.0, 1.0), area, base.cols, base.rows);
        if (m.score > best.score) best = m;
    }
    return best;
}

}  // namespace

CropWindow crop_for(const PtzPosition& p, int base_width, int base_height) {
    const double W = base_width, H = base_height;
    CropWindow c;
    c.width = (W / 2) / (1 + 3 * p.zoom);
    c.height = c.width * H / W;
    c.cx = W / 2 + p.pan * (W - c.width) / 2;
    c.cy = H / 2 - p.tilt * (H - c.height) / 2;
    return c;
}

PtzPosition position_for(const CropWindow& c, int base_width, int base_height) {
    const double W = base_width, H = base_height;
    PtzPosition p;
    p.zoom = ((W / 2) / c.width - 1) / 3;
    p.pan = (c.cx - W / 2) * 2 / (W - c.width);
    p.tilt = (H / 2 - c.cy) * 2 / (H - c.height);
    return p;
}

std::optional<PictureLocation> locate_picture(const std::vector<uint8_t>& snapshot_jpeg,
                                              const std::filesystem::path& base_image, std::optional<double> zoom) {
    auto snapshot = gray_of(snapshot_jpeg);
    auto base = gray_of(read_bytes(base_image));
    if (!snapshot || !base) return std::nullopt;
    const cv::Rect whole(0, 0, base->cols, base->rows);
    const double from = zoom ? *zoom : 0.0, to = zoom ? *zoom : 1.0;
    Match coarse = best_over(*base, coarse_scale, *snapshot, from, to, coarse_zoom_step, whole);
    // Refine around the coarse answer: a window a little larger than the widest candidate crop.
    const double fine_from = zoom ? *zoom : std::max(0.0, coarse.zoom - coarse_zoom_step);
    const double fine_to = zoom ? *zoom : std::min(1.0, coarse.zoom + coarse_zoom_step);
    CropWindow widest = crop_for({0, 0, fine_from}, base->cols, base->rows);
    cv::Rect area(int(coarse.centre.x - widest.width / 2 - 16), int(coarse.centre.y - widest.height / 2 - 16),
                  int(widest.width + 32), int(widest.height + 32));
    Match fine = best_over(*base, fine_scale, *snapshot, fine_from, fine_to, fine_zoom_step, area & whole);
    const Match& best = fine.score >= coarse.score - 0.05 ? fine : coarse;
    CropWindow found = crop_for({0, 0, best.zoom}, base->cols, base->rows);
    found.cx = best.centre.x;
    found.cy = best.centre.y;
    return PictureLocation{position_for(found, base->cols, base->rows), best.score};
}

std::optional<PictureLocation> locate_picture(const std::filesystem::path& snapshot_jpeg,
                                              const std::filesystem::path& base_image, std::optional<double> zoom) {
    return locate_picture(read_bytes(snapshot_jpeg), base_image, zoom);
}

}  // namespace ptzgrab::testing
