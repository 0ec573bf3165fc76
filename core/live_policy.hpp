#pragma once
// The live watchdog's and backoff's timing rules, as pure functions of what was observed, so they
// are tested without processes; LiveTimings is also the seam tests use to shorten them.
#include <chrono>
#include <optional>

namespace ptzgrab {

struct LiveTimings {
    std::chrono::milliseconds stall_min{10'000};       // a stream is stalled after no frame for at least this
    std::chrono::milliseconds stall_max{60'000};       // ... and at most this
    std::chrono::milliseconds backoff_first{1'000};    // the first wait before a restart; doubles per failure
    std::chrono::milliseconds backoff_max{60'000};
    std::chrono::milliseconds healthy_after{60'000};   // a child giving frames this long resets the backoff
    std::chrono::milliseconds stop_grace{1'000};       // SIGTERM, then SIGKILL after this
    std::chrono::milliseconds keyframes_retry{300'000};  // fell back to all frames: try keyframes again after this
    std::chrono::milliseconds tick{100};               // how often the watchdog looks (deadline precision)
};

/// No frame for this long means the stream stalled: clamp(2.5 x the frame interval, stall_min,
/// stall_max). Without an observed interval, stall_max.
std::chrono::milliseconds stall_timeout(std::optional<std::chrono::milliseconds> frame_interval,
                                        const LiveTimings& timings);

/// The wait before restart number `failures` + 1 (failures counts from 0): backoff_first doubled
/// per failure, spread by `jitter` in [0, 1) over +-20% so cameras restarted together do not
/// retry together, capped at backoff_max.
std::chrono::milliseconds backoff_delay(int failures, double jitter, const LiveTimings& timings);

/// The observed interval between frames, smoothed: the first sample as is, then 3/4 old + 1/4 new.
std::chrono::milliseconds smoothed_interval(std::optional<std::chrono::milliseconds> previous,
                                            std::chrono::milliseconds sample);

}  // namespace ptzgrab
