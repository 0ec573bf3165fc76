#pragma once
// One frame from one source: run ffmpeg once, check its picture, clean up after it.
#include <stop_token>

#include "ffmpeg_locator.hpp"
#include "frame.hpp"
#include "grab_request.hpp"
#include "process.hpp"

namespace ptzgrab {

class Grabber {
public:
    Grabber(ProcessRunner& runner, FfmpegInfo ffmpeg) : runner_(runner), ffmpeg_(std::move(ffmpeg)) {}

    /// The frame, or a classified error whose message shows the URL masked.
    Result<Frame> grab(const GrabRequest& request, std::stop_token stop = {}) const;

    const FfmpegInfo& ffmpeg() const { return ffmpeg_; }

private:
    /// `probe_was_short`: set when ffmpeg failed because the short probe saw too little.
    Result<Frame> grab_once(const GrabRequest& request, std::stop_token stop, bool& probe_was_short) const;

    ProcessRunner& runner_;
    FfmpegInfo ffmpeg_;
};

/// Turns a finished ffmpeg run into an error kind and a one-line reason.
Error classify_ffmpeg_failure(const ProcessOutcome& outcome, const GrabRequest& request);

/// The last non-empty stderr line, with secrets masked.
std::string last_stderr_line(const std::string& stderr_tail, const std::string& url);

}  // namespace ptzgrab
