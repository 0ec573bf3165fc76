#pragma once
// Counters for /metrics, in Prometheus' text format.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/frame_cache.hpp"

namespace ptzgrab::web {

class Metrics {
public:
    /// Upper bounds (seconds) of the grab duration histogram's buckets; +Inf is implied.
    static constexpr std::array<double, 9> grab_seconds_buckets{0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60};

    void record_request(unsigned status);
    void record_grab(std::chrono::duration<double> elapsed, const Error* failure);

    /// The whole exposition: requests, grabs, grab seconds, failures by kind, cache hits and
    /// misses per source, and `ffmpeg_running` ffmpeg processes.
    std::string render(const std::vector<CacheStats>& cache, int ffmpeg_running,
                       std::chrono::duration<double> uptime) const;

private:
    mutable std::mutex mutex_;
    // mutex_ protects the following state.
    std::map<unsigned, uint64_t> requests_by_status_;
    std::array<uint64_t, grab_seconds_buckets.size()> grab_bucket_counts_{};
    uint64_t grabs_ = 0;
    double grab_seconds_sum_ = 0;
    std::map<std::string, uint64_t> failures_by_kind_;
};

/// Wraps a grab function so that every run is counted and timed in `metrics`.
FrameCache::GrabFunction instrument(FrameCache::GrabFunction grab, Metrics& metrics);

}  // namespace ptzgrab::web
