#include "latest_frames.hpp"

namespace ptzgrab::web {

void LatestFrames::update(const std::string& source, const Snapshot& snapshot) {
    if (!snapshot.jpeg || snapshot.stale) return;
    Entry entry{snapshot.jpeg, snapshot};
    entry.snapshot.from_cache = true;
    std::lock_guard lock(mutex_);
    entries_[source] = std::move(entry);
}

std::optional<LatestFrames::Entry> LatestFrames::find(const std::string& source) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(source);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

void LatestFrames::clear(const std::string& source) {
    std::lock_guard lock(mutex_);
    if (source.empty())
        entries_.clear();
    else
        entries_.erase(source);
}

}  // namespace ptzgrab::web
