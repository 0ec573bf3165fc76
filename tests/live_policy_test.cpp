#include "core/live_policy.hpp"

#include <doctest/doctest.h>

namespace ptzgrab {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST_CASE("live policy: a stream is stalled after 2.5 keyframe intervals, within 10 s and 60 s") {
    LiveTimings t;
    CHECK(stall_timeout(milliseconds(8'000), t) == 20'000ms);
    CHECK(stall_timeout(milliseconds(1'000), t) == 10'000ms);   // GOP 1 s: the floor
    CHECK(stall_timeout(milliseconds(40'000), t) == 60'000ms);  // GOP 40 s: the ceiling
    CHECK(stall_timeout(std::nullopt, t) == 60'000ms);          // no interval seen yet
    t.stall_min = 500ms;
    CHECK(stall_timeout(milliseconds(1'000), t) == 2'500ms);
}

TEST_CASE("live policy: the backoff starts at 1 s, doubles, spreads by jitter and stops at 60 s") {
    LiveTimings t;
    CHECK(backoff_delay(0, 0.5, t) == 1'000ms);
    CHECK(backoff_delay(1, 0.5, t) == 2'000ms);
    CHECK(backoff_delay(3, 0.5, t) == 8'000ms);
    CHECK(backoff_delay(0, 0.0, t) == 800ms);
    CHECK(backoff_delay(0, 0.999, t) > 1'190ms);
    CHECK(backoff_delay(6, 0.5, t) == 60'000ms);
    CHECK(backoff_delay(1000, 1.0, t) == 60'000ms);
    CHECK(backoff_delay(-3, 0.5, t) == 1'000ms);
}

TEST_CASE("live policy: the observed interval takes the first sample, then moves a quarter of the way") {
    CHECK(smoothed_interval(std::nullopt, 2'000ms) == 2'000ms);
    CHECK(smoothed_interval(2'000ms, 1'000ms) == 1'750ms);
    CHECK(smoothed_interval(1'000ms, 1'000ms) == 1'000ms);
}

}  // namespace ptzgrab
