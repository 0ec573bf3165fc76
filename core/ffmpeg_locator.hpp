#pragma once
// Finding a usable ffmpeg once per process, so every grab and `info` agree.
#include <string>
#include <string_view>

#include "process.hpp"

namespace ptzgrab {

struct FfmpegInfo {
    bool usable = false;
    std::string path;     // what was found (or tried)
    std::string version;  // "5.1.6-0+deb12u1"
    std::string problem;  // why it is not usable, with what to do
};

enum class FfmpegCheck {
    run_version,  // run `ffmpeg -version` (info, serve): proves it runs and tells its version
    exists_only,  // a one-shot grab proves it anyway; ffmpeg's start-up (~0.1 s) is not paid twice
};

/// Looks in `explicit_path` (--ffmpeg), else $PTZGRAB_FFMPEG, else PATH. The answer per
/// candidate and check is cached for the process.
FfmpegInfo locate_ffmpeg(ProcessRunner& runner, std::string_view explicit_path = {},
                         FfmpegCheck check = FfmpegCheck::run_version);

/// Pulls "5.1.6" out of "ffmpeg version 5.1.6 Copyright ..."; empty if not ffmpeg.
std::string parse_ffmpeg_version(std::string_view version_output);

}  // namespace ptzgrab
