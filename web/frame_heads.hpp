#pragma once
// The header lines of each source's current frame, built once per frame and shared by every
// request for it: answering /latest.jpg from memory then builds no headers. Any thread.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/frame_cache.hpp"
#include "http_types.hpp"

namespace ptzgrab::web {

class FrameHeads {
public:
    /// The lines for `snapshot`, a frame of `source` with its prepared JPEG (see frame_lines);
    /// null when they cannot be prepared (the answer is then built field by field).
    std::shared_ptr<const FrameLines> lines_for(const std::string& source, const Snapshot& snapshot);
    /// After a config reload: the entries of `removed` sources go (a source added again later under
    /// the same name starts afresh), so sources come and go without the map growing.
    void forget(const std::vector<std::string>& removed);

private:
    struct Entry {
        std::weak_ptr<const std::vector<uint8_t>> jpeg;  // which frame; weak: a dropped frame is not kept
        bool live = false;                               // live answers carry X-Frame-Sequence
        std::shared_ptr<const FrameLines> lines;
    };
    std::mutex mutex_;
    // mutex_ protects the following state: one entry per source name asked for.
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace ptzgrab::web
