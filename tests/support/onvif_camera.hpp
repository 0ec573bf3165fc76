#pragma once
// The loopback ONVIF PTZ test camera (scripts/test-servers/onvif_camera.py) as a test fixture:
// started in the constructor on free ports, ready once both ports listen, stopped in the destructor.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/fixtures.hpp"

namespace ptzgrab::testing {

/// The camera's quirk switches (each maps to one command-line flag of the script).
struct OnvifCameraOptions {
    std::string user = "admin";
    std::string password = "ptz-test-pass";
    double clock_offset_seconds = 0;   // --clock-offset: camera clock = real time + this
    bool digest_only = false;          // --digest-only: WS-Security refused, HTTP Digest only
    bool no_relative = false;          // --no-relative: no RelativeMove spaces; RelativeMove faults
    bool no_get_services = false;      // --no-get-services: GetServices faults (GetCapabilities works)
    int unnamed_presets = 0;           // --unnamed-presets N
    std::string move_status = "normal";  // --move-status normal|absent|stuck
    int fault_status = 0;              // --fault-status 400|401|500; 0: 400 Sender, 500 Receiver
    double speed = 1.0;                // --speed: top pan/tilt/zoom speed, units per second
};

class OnvifCamera {
public:
    explicit OnvifCamera(const OnvifCameraOptions& options = {});
    OnvifCamera(const OnvifCamera&) = delete;
    OnvifCamera& operator=(const OnvifCamera&) = delete;

    std::string device_url() const;  // http://127.0.0.1:PORT/onvif/device_service
    std::string media_url() const;
    std::string ptz_url() const;
    std::string rtsp_url() const;    // rtsp://127.0.0.1:RTSP/stream (no credentials)
    const std::string& user() const { return options_.user; }
    const std::string& password() const { return options_.password; }
    int port() const { return port_; }
    int rtsp_port() const { return rtsp_port_; }
    /// The request log, one entry per request: "<unix time> <service> <Operation> auth=<...> status=<http>".
    std::vector<std::string> log_lines() const;
    /// The 1920x1080 JPEG the picture is cropped from (made once per test process).
    static fs::path base_image();
    void stop();
    pid_t pid() const { return server_.pid(); }

private:
    ScratchDir dir_;
    OnvifCameraOptions options_;
    int port_;
    int rtsp_port_;
    BackgroundProcess server_;
};

}  // namespace ptzgrab::testing
