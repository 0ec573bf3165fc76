#include "frame_heads.hpp"

#include "responses.hpp"

namespace ptzgrab::web {
namespace {

// The same control block: the very frame, not an equal one (a dead one's block stays while watched).
bool same_owner(const std::weak_ptr<const std::vector<uint8_t>>& a, const std::shared_ptr<const std::vector<uint8_t>>& b) {
    return !a.owner_before(b) && !b.owner_before(a);
}

}  // namespace

std::shared_ptr<const FrameLines> FrameHeads::lines_for(const std::string& source, const Snapshot& snapshot) {
    if (!snapshot.jpeg) return nullptr;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(source);
        if (it != entries_.end() && it->second.live == snapshot.live && same_owner(it->second.jpeg, snapshot.jpeg))
            return it->second.lines;
    }
    auto built = frame_lines(snapshot);  // outside the lock: a new frame's lines, once per frame and kind
    if (!built) return nullptr;
    auto lines = std::make_shared<const FrameLines>(std::move(*built));
    std::lock_guard lock(mutex_);
    entries_[source] = Entry{snapshot.jpeg, snapshot.live, lines};
    return lines;
}

void FrameHeads::forget(const std::vector<std::string>& removed) {
    std::lock_guard lock(mutex_);
    for (const std::string& source : removed) entries_.erase(source);
}

}  // namespace ptzgrab::web
