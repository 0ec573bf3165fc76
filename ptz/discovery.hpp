#pragma once
// What PtzClient::connect learns before the first move: the clock offset, who the camera is, where
// its media and PTZ services are, the profile to steer and what that profile's PTZ can do.
#include <string>

#include "core/error.hpp"
#include "core/frame_cache.hpp"
#include "ptz_types.hpp"
#include "soap_session.hpp"

namespace ptzgrab::ptz {

struct Discovered {
    PtzInfo info;
    std::string media_url;
};

/// Sets the session's clock offset. Errors: the camera unreachable or refusing the credentials, the
/// configured profile missing (not_found), no profile with PTZ (unsupported).
Result<Discovered> discover(SoapSession& session, const OnvifSettings& camera);

/// `xaddr`'s path on the device URL's scheme and authority: cameras behind NAT report inner addresses.
std::string on_device_authority(const std::string& xaddr, const std::string& device_url);

}  // namespace ptzgrab::ptz
