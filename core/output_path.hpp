#pragma once
// `-o snaps/cam1-%Y%m%d-%H%M%S.jpg` lets one cron line keep a series of frames.
#include <chrono>
#include <string>
#include <string_view>

#include "error.hpp"

namespace ptzgrab {

/// strftime expansion of `pattern` at `when` (local time unless `utc`).
Result<std::string> expand_output_pattern(std::string_view pattern, std::chrono::system_clock::time_point when,
                                          bool utc = false);

}  // namespace ptzgrab
