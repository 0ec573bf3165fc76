#pragma once
// The CLI's exit codes are a contract with shell scripts and cron: documented in --help and the README.
#include "core/error.hpp"

namespace ptzgrab::cli {

enum ExitCode : int {
    exit_ok = 0,
    exit_usage = 2,
    exit_ffmpeg_missing = 3,
    exit_grab_failed = 4,
    exit_output_unwritable = 5,
    exit_ptz_refused = 6,     // the camera cannot do it, has no such preset, or answered with a fault
    exit_ptz_auth_failed = 7,  // the camera refused the credentials or the request's time
};

inline int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::ffmpeg_missing: return exit_ffmpeg_missing;
    case ErrorKind::invalid_input: return exit_usage;
    case ErrorKind::unsupported:
    case ErrorKind::not_found:
    case ErrorKind::device_error: return exit_ptz_refused;
    case ErrorKind::not_authorized:
    case ErrorKind::clock_skew: return exit_ptz_auth_failed;
    default: return exit_grab_failed;
    }
}

constexpr const char* exit_codes_help =
    "Exit codes: 0 ok, 2 usage error, 3 ffmpeg missing, 4 grab failed or camera unreachable\n"
    "(timeout, unreachable, no frame, bad image), 5 output not writable, 6 PTZ refused (unsupported,\n"
    "no such preset, camera fault), 7 camera authentication failed (credentials or clock).";

}  // namespace ptzgrab::cli
