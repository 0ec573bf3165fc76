#pragma once
// An ONVIF PTZ client (Profile S/T) for one camera: discovery, moves, presets, home, status, and
// waiting for a move to end. Everything a caller must handle comes back as an Error value; no method throws.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/frame_cache.hpp"  // OnvifSettings
#include "ptz_types.hpp"
#include "soap_transport.hpp"

namespace ptzgrab::ptz {

struct ClientOptions {
    std::chrono::milliseconds call_timeout{5000};        // each SOAP exchange
    std::chrono::milliseconds settle_poll{200};          // GetStatus interval while waiting for a move to end
    std::chrono::milliseconds settle_time{2000};         // a camera without MoveStatus: wait this long, then steady polls
    std::chrono::milliseconds settle_timeout{30000};     // give up waiting for a move to end
    std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;  // signing clock
    std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
    // Approximations for cameras that lack a space (ONVIF does not report these; cameras differ):
    double top_speed = 1.0;        // generic units per second at velocity 1: emulated relative moves run |step| / (speed * top_speed)
    double half_view_pan = 1.0;    // center_on without a FOV space: the picture's half width in pan units at zoom 0,
    double half_view_tilt = 1.0;   // its half height in tilt units, both divided by (1 + view_zoom_factor * zoom)
    double view_zoom_factor = 3.0;
};

/// Not thread-safe: one caller at a time (the CLI's main thread, or the server's PTZ lane for
/// this camera). Calls are synchronous and bounded by ClientOptions' deadlines.
class PtzClient {
public:
    /// Discovery: GetSystemDateAndTime (unauthenticated; keeps the clock offset), GetDeviceInformation,
    /// GetServices (falling back to GetCapabilities), GetProfiles (the configured profile, or the first
    /// with a PTZ configuration), GetConfigurationOptions (ranges, spaces).
    static Result<std::unique_ptr<PtzClient>> connect(const OnvifSettings& camera,
                                                      std::shared_ptr<SoapTransport> transport,
                                                      ClientOptions options = {});
    virtual ~PtzClient() = default;

    virtual const PtzInfo& info() const = 0;
    virtual Result<PtzStatus> status() = 0;
    virtual Result<std::vector<Preset>> presets() = 0;
    /// The profile's RTSP stream URI (GetStreamUri), with no credentials in it: what `ptz --snapshot` grabs
    /// when no source URL is configured.
    virtual Result<std::string> stream_uri() = 0;

    /// Sends only the axes that are set. Relative moves without a relative space are emulated with
    /// ContinuousMove for a computed time, then Stop. Values outside the camera's ranges are invalid_input.
    virtual Result<void> move(const MoveCommand& command) = 0;
    virtual Result<void> stop() = 0;
    /// Centers the picture on a point: RelativeMove in the FOV space where the camera has it, else an
    /// AbsoluteMove computed from the current position and zoom.
    virtual Result<void> center_on(PictureOffset point) = 0;

    /// `preset`: a token, else a name (an ambiguous name is invalid_input); unknown is not_found.
    virtual Result<void> goto_preset(const std::string& preset, std::optional<double> speed = {}) = 0;
    virtual Result<std::string> set_preset(const std::string& name) = 0;  // the new token
    virtual Result<void> remove_preset(const std::string& preset) = 0;
    virtual Result<void> goto_home(std::optional<double> speed = {}) = 0;
    virtual Result<void> set_home() = 0;

    /// Polls GetStatus until pan/tilt and zoom are IDLE and the position held for two polls; a camera
    /// without MoveStatus (or stuck at MOVING) is settled once its position holds after settle_time.
    /// IDLE counts only once the last move has begun (MOVING seen, the position left where it was
    /// before the move or reached its target) or settle_time passed: cameras report IDLE at the old
    /// position for a while. Relative, absolute, preset and home moves read GetStatus first for this.
    virtual Result<Settled> wait_until_settled() = 0;
};

/// The password and credentials of `camera` masked, for messages: "http://HOST:PORT/onvif/device_service".
std::string describe(const OnvifSettings& camera);

}  // namespace ptzgrab::ptz
