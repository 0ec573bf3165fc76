#pragma once
// The newest good JPEG of each source, kept for /latest.jpg: served as it is, whatever its age,
// so reading it never starts a grab. It shares the cache's buffer (no second copy).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/frame_cache.hpp"

namespace ptzgrab::web {

class LatestFrames {
public:
    struct Entry {
        std::shared_ptr<const std::vector<uint8_t>> jpeg;
        Snapshot snapshot;  // for the frame headers; its pixels are the cache's, shared
    };

    void update(const std::string& source, const Snapshot& snapshot);
    std::optional<Entry> find(const std::string& source) const;
    /// Forgets one source, or all when `source` is empty (POST /stream/cache/clear).
    void clear(const std::string& source = {});

private:
    mutable std::mutex mutex_;
    // mutex_ protects the following state.
    std::map<std::string, Entry> entries_;
};

}  // namespace ptzgrab::web
