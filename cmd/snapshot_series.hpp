#pragma once
// `ptzgrab snapshot --every S`: a timelapse without cron. A network source is held open by one
// ffmpeg, so a picture costs neither an ffmpeg start nor a keyframe wait; a local one is grabbed anew.
#include "snapshot_command.hpp"

namespace ptzgrab::cli {

/// Writes a frame every `every_s` seconds until `count` are written or SIGINT/SIGTERM. A failed
/// picture is reported and the series goes on; the exit code is 0, or the last failure's.
int run_snapshot_series(const SnapshotOptions& options);

}  // namespace ptzgrab::cli
