#include "live_policy.hpp"

#include <algorithm>
#include <cmath>

namespace ptzgrab {

using std::chrono::milliseconds;

milliseconds stall_timeout(std::optional<milliseconds> frame_interval, const LiveTimings& timings) {
    if (!frame_interval) return timings.stall_max;
    return std::clamp(*frame_interval * 5 / 2, timings.stall_min, timings.stall_max);
}

milliseconds backoff_delay(int failures, double jitter, const LiveTimings& timings) {
    double base = static_cast<double>(timings.backoff_first.count()) * std::exp2(std::clamp(failures, 0, 30));
    double spread = base * (0.8 + 0.4 * std::clamp(jitter, 0.0, 1.0));
    return std::min(timings.backoff_max, milliseconds(static_cast<int64_t>(std::min(spread, 1e12))));
}

milliseconds smoothed_interval(std::optional<milliseconds> previous, milliseconds sample) {
    if (!previous) return sample;
    return (*previous * 3 + sample) / 4;
}

}  // namespace ptzgrab
