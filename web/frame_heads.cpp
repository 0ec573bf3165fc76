#include "frame_heads.hpp"

#include <exception>

#include "body_file.hpp"
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
    std::shared_ptr<const FrameLines> without_file;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(source);
        if (it != entries_.end() && it->second.holds(snapshot)) {
            Entry& entry = it->second;
            // A frame asked for once (a dashboard polling a live source) is not worth a file:
            // making one copies the JPEG once more than sending it from memory does.
            if (entry.lines->jpeg_file || entry.file_started || ++entry.requests < 2) return entry.lines;
            entry.file_started = true;
            without_file = entry.lines;
        }
    }
    if (without_file) {
        if (!writing_.run) return add_file(source, snapshot, *without_file);
        write_file(source, snapshot, without_file);
        return without_file;  // sent from memory until the file is written
    }
    auto built = frame_lines(snapshot);  // outside the lock: a new frame's lines, once per frame and kind
    if (!built) return nullptr;
    auto lines = std::make_shared<const FrameLines>(std::move(*built));
    std::lock_guard lock(mutex_);
    drop_dropped_frames();
    auto [it, added] = entries_.try_emplace(source);
    if (added || it->second.grabbed_at <= snapshot.frame.grabbed_at)
        it->second = Entry{snapshot.jpeg, snapshot.live, snapshot.frame.grabbed_at, lines};
    return lines;
}

std::shared_ptr<const FrameLines> FrameHeads::add_file(const std::string& source, const Snapshot& snapshot,
                                                       const FrameLines& lines) {
    FrameLines with_file = lines;
    std::filesystem::path directory = writing_.directory ? writing_.directory() : std::filesystem::path{};
    with_file.jpeg_file = BodyFile::holding(*snapshot.jpeg, directory);  // outside the lock: a copy of the JPEG
    auto shared = std::make_shared<const FrameLines>(std::move(with_file));
    std::lock_guard lock(mutex_);
    auto it = entries_.find(source);
    if (it != entries_.end() && it->second.holds(snapshot))
        it->second.lines = shared;  // no file (the kernel refused one): file_started stays, no retry per request
    return shared;
}

// On writing_.run's thread. The task holds the frame (its JPEG is alive until written) and what it
// throws (out of memory) stays here: the frame is then sent from memory, as with no file.
void FrameHeads::write_file(const std::string& source, const Snapshot& snapshot,
                            std::shared_ptr<const FrameLines> lines) {
    writing_.run([this, source, snapshot, lines = std::move(lines)] {
        try {
            add_file(source, snapshot, *lines);
        } catch (const std::exception&) {
        }
    });
}

void FrameHeads::forget(const std::vector<std::string>& removed) {
    std::lock_guard lock(mutex_);
    for (const std::string& source : removed) entries_.erase(source);
    drop_dropped_frames();
}

bool FrameHeads::Entry::holds(const Snapshot& snapshot) const {
    return live == snapshot.live && same_owner(jpeg, snapshot.jpeg);
}

void FrameHeads::drop_dropped_frames() {
    std::erase_if(entries_, [](const auto& entry) { return entry.second.jpeg.expired(); });
}

}  // namespace ptzgrab::web
