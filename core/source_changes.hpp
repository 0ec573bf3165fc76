#pragma once
// What a config reload changes, by source name: the cache keeps what is equal (frames, streams,
// viewers) and replaces the rest, and the operator reads the counts in the log.
#include <string>
#include <vector>

namespace ptzgrab {

struct SourceConfig;  // frame_cache.hpp

struct SourceChanges {
    std::vector<std::string> kept;     // same name, equal settings
    std::vector<std::string> added;    // a new name
    std::vector<std::string> removed;  // a name no longer configured
    std::vector<std::string> changed;  // same name, other settings: removed, then added
};

/// Names in the order of `after` (removed ones in the order of `before`).
SourceChanges compare_sources(const std::vector<SourceConfig>& before, const std::vector<SourceConfig>& after);

/// "N kept, N added, N removed, N changed", for the log.
std::string summary(const SourceChanges& changes);

}  // namespace ptzgrab
