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
};

inline int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::ffmpeg_missing: return exit_ffmpeg_missing;
    case ErrorKind::invalid_input: return exit_usage;
    default: return exit_grab_failed;
    }
}

constexpr const char* exit_codes_help =
    "Exit codes: 0 ok, 2 usage error, 3 ffmpeg missing, 4 grab failed (timeout, unreachable,\n"
    "no frame, bad image), 5 output not writable.";

}  // namespace ptzgrab::cli
