#include "source_changes.hpp"

#include <algorithm>

#include "frame_cache.hpp"

namespace ptzgrab {

SourceChanges compare_sources(const std::vector<SourceConfig>& before, const std::vector<SourceConfig>& after) {
    SourceChanges changes;
    for (const SourceConfig& source : after) {
        auto old = std::ranges::find(before, source.name, &SourceConfig::name);
        if (old == before.end()) changes.added.push_back(source.name);
        else if (*old == source) changes.kept.push_back(source.name);
        else changes.changed.push_back(source.name);
    }
    for (const SourceConfig& source : before)
        if (std::ranges::find(after, source.name, &SourceConfig::name) == after.end())
            changes.removed.push_back(source.name);
    return changes;
}

std::string summary(const SourceChanges& changes) {
    return std::to_string(changes.kept.size()) + " kept, " + std::to_string(changes.added.size()) + " added, " +
           std::to_string(changes.removed.size()) + " removed, " + std::to_string(changes.changed.size()) + " changed";
}

}  // namespace ptzgrab
