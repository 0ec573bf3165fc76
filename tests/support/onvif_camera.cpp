#include "onvif_camera.hpp"

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace ptzgrab::testing {
namespace {

constexpr auto camera_start_timeout = 20s;  // GStreamer up, the warm-up RTSP client served, HTTP opened
constexpr auto base_image_timeout = 30s;

std::string number(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

std::vector<std::string> camera_argv(const OnvifCameraOptions& o, int port, int rtsp_port, const fs::path& log) {
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     (source_dir() / "scripts/test-servers/onvif_camera.py").string(),
                                     "--port", std::to_string(port), "--rtsp-port", std::to_string(rtsp_port),
                                     "--base-image", OnvifCamera::base_image().string(),
                                     "--user", o.user, "--password", o.password, "--log", log.string()};
    if (o.clock_offset_seconds != 0) argv.insert(argv.end(), {"--clock-offset", number(o.clock_offset_seconds)});
    if (o.digest_only) argv.push_back("--digest-only");
    if (o.no_relative) argv.push_back("--no-relative");
    if (o.no_get_services) argv.push_back("--no-get-services");
    if (o.unnamed_presets > 0) argv.insert(argv.end(), {"--unnamed-presets", std::to_string(o.unnamed_presets)});
    if (o.move_status != "normal") argv.insert(argv.end(), {"--move-status", o.move_status});
    if (o.fault_status != 0) argv.insert(argv.end(), {"--fault-status", std::to_string(o.fault_status)});
    if (o.speed != 1.0) argv.insert(argv.end(), {"--speed", number(o.speed)});
    return argv;
}

int another_free_port(int taken) {
    for (int i = 0; i < 20; ++i) {
        int p = free_port();
        if (p != taken) return p;
    }
    throw std::runtime_error("no second free port");
}

}  // namespace

fs::path OnvifCamera::base_image() {
    // High-detail and non-repeating, so a crop matches in one place only: random colour blocks
    // (12 px, nearest-neighbour) averaged with a diagonal gradient.
    static std::unique_ptr<ScratchDir> dir;
    static std::once_flag once;
    std::call_once(once, [] {
        dir = std::make_unique<ScratchDir>();
        fs::path out = *dir / "base.jpg";
        CommandResult r = run_command(
            {"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "nullsrc=s=160x90,geq=lum='random(1)*255':cb='random(2)*255':cr='random(3)*255',"
             "scale=1920:1080:flags=neighbor",
             "-f", "lavfi", "-i", "nullsrc=s=1920x1080,geq=lum='X*255/W':cb='Y*255/H':cr=128", "-filter_complex",
             "[0][1]blend=all_mode=average,format=yuvj420p", "-frames:v", "1", "-q:v", "2", out.string()},
            {}, base_image_timeout);
        if (r.exit_code != 0 || !fs::exists(out)) throw std::runtime_error("cannot make the base image: " + r.err);
    });
    return *dir / "base.jpg";
}

OnvifCamera::OnvifCamera(const OnvifCameraOptions& options)
    : options_(options),
      port_(free_port()),
      rtsp_port_(another_free_port(port_)),
      server_(camera_argv(options_, port_, rtsp_port_, dir_ / "requests.log"), dir_ / "camera.out") {
    // The script opens its HTTP port only once the stream runs, so both ports listening means ready.
    if (!wait_for_listen(rtsp_port_, camera_start_timeout) || !wait_for_listen(port_, camera_start_timeout)) {
        std::string out = server_.log_text();
        server_.stop();
        throw std::runtime_error("the ONVIF test camera did not start: " + out);
    }
}

std::string OnvifCamera::device_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/onvif/device_service";
}
std::string OnvifCamera::media_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/onvif/media_service";
}
std::string OnvifCamera::ptz_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/onvif/ptz_service"; }
std::string OnvifCamera::rtsp_url() const { return "rtsp://127.0.0.1:" + std::to_string(rtsp_port_) + "/stream"; }

std::vector<std::string> OnvifCamera::log_lines() const {
    std::ifstream in(dir_ / "requests.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

void OnvifCamera::stop() { server_.stop(); }

}  // namespace ptzgrab::testing
