#include "frame_heads.hpp"

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
        if (it != entries_.end() && it->second.holds(snapshot.jpeg, snapshot.live)) {
            Entry& entry = it->second;
            // A frame asked for once (a dashboard polling a live source) is not worth a file:
            // making one copies the JPEG once more than sending it from memory does.
            if (entry.lines->jpeg_file || entry.file_started || ++entry.requests < 2) return entry.lines;
            entry.file_started = true;
            without_file = entry.lines;
        }
    }
    if (without_file && !writing_.run) return add_file(source, snapshot.jpeg, snapshot.live, *without_file);
    if (without_file) {
        // The task holds the JPEG alone (not the frame's pixels) until it is written; what it
        // throws (out of memory) is the runner's to report: the frame then goes from memory.
        writing_.run([this, source, jpeg = snapshot.jpeg, live = snapshot.live, lines = without_file] {
            if (still_holds(source, jpeg, live)) add_file(source, jpeg, live, *lines);
        });
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

std::shared_ptr<const FrameLines> FrameHeads::add_file(const std::string& source, const Jpeg& jpeg, bool live,
                                                       const FrameLines& lines) {
    FrameLines with_file = lines;
    std::filesystem::path directory = writing_.directory ? writing_.directory() : std::filesystem::path{};
    with_file.jpeg_file = BodyFile::holding(*jpeg, directory);  // outside the lock: a copy of the JPEG
    auto shared = std::make_shared<const FrameLines>(std::move(with_file));
    std::lock_guard lock(mutex_);
    auto it = entries_.find(source);
    if (it != entries_.end() && it->second.holds(jpeg, live))
        it->second.lines = shared;  // no file (the kernel refused one): file_started stays, no retry per request
    return shared;
}

// Whether the source's entry is still this frame's: a file for a frame replaced meanwhile is not written.
bool FrameHeads::still_holds(const std::string& source, const Jpeg& jpeg, bool live) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(source);
    return it != entries_.end() && it->second.holds(jpeg, live);
}

void FrameHeads::forget(const std::vector<std::string>& removed) {
    std::lock_guard lock(mutex_);
    for (const std::string& source : removed) entries_.erase(source);
    drop_dropped_frames();
}

bool FrameHeads::Entry::holds(const Jpeg& frame_jpeg, bool frame_live) const {
    return live == frame_live && same_owner(jpeg, frame_jpeg);
}

void FrameHeads::drop_dropped_frames() {
    std::erase_if(entries_, [](const auto& entry) { return entry.second.jpeg.expired(); });
}

}  // namespace ptzgrab::web
