#pragma once
// Move-then-snapshot: wait until the camera has stopped, then grab a frame that started after that,
// never one from before or during the move.
#include <string>

#include "ptz/ptz_client.hpp"
#include "ptz_command.hpp"
#include "ptz_output.hpp"
#include "ptz_target.hpp"

namespace ptzgrab::cli {

/// --snapshot FILE expanded (strftime) and its folder checked, before the camera moves; an exit code
/// (2 bad pattern, 5 folder not writable) with the error printed, or 0.
int prepare_shot(const PtzOptions& options, std::string& output);

/// Waits for the camera to settle, then grabs from the stream (--url, else the config source's URL,
/// else the camera's GetStreamUri with the ONVIF login added for RTSP) and writes `output`; fills
/// `report.settled` and `report.shot`. An exit code, with the error printed (masked).
int settle_and_grab(ptz::PtzClient& client, const PtzOptions& options, const PtzTarget& target,
                    const std::string& output, ActionReport& report);

}  // namespace ptzgrab::cli
