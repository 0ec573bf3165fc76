#pragma once
// Which camera `ptzgrab ptz` steers, from --onvif or from a config file's source, and how its
// errors are made safe to print.
#include <string>

#include "core/error.hpp"
#include "core/frame_cache.hpp"  // OnvifSettings
#include "ptz_command.hpp"

namespace ptzgrab::cli {

struct PtzTarget {
    OnvifSettings camera;    // device_url without userinfo; user and password resolved
    std::string stream_url;  // the config source's stream (what --snapshot grabs); empty with --onvif
};

/// --onvif URL: user from --user, else the URL's userinfo; password from --password, else the URL's
/// userinfo, else $PTZGRAB_ONVIF_PASSWORD. --config FILE --source NAME: the source's "onvif" settings,
/// which --user, --password and --profile override. Every failure is a usage error (invalid_input).
Result<PtzTarget> resolve_target(const PtzOptions& options);

/// `error` with the camera's password (3 characters or more, raw or percent-encoded) and every URL
/// secret masked: what is printed.
Error scrubbed(Error error, const OnvifSettings& camera);

/// One line `ptzgrab: KIND: MESSAGE (DETAIL)` on stderr, scrubbed; the exit code for its kind.
int print_ptz_error(const Error& unsafe, const OnvifSettings& camera);

}  // namespace ptzgrab::cli
