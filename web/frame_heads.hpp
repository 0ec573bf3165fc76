#pragma once
// What each source's current frame's answers share, built once per frame: the header lines, and
// for a frame asked for again, the JPEG as a file for sendfile. Answering from memory then builds
// no header and copies no body per request. Any thread.
#include <chrono>
#include <filesystem>
#include <functional>
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
    /// Where a frame's file goes and who writes it: a folder for sendfile (BodyFile; empty: a
    /// memfd), and a thread that may wait on that folder's disk, never an io thread (unset: inline).
    struct FileWriting {
        std::function<std::filesystem::path()> directory;
        std::function<void(std::function<void()>)> run;
    };

    explicit FrameHeads(FileWriting writing = {}) : writing_(std::move(writing)) {}

    /// The lines for `snapshot`, a frame of `source` with its prepared JPEG (see frame_lines), with
    /// `jpeg_file` set once the file its second request asked for is written; null when they cannot
    /// be prepared (the answer is then built field by field).
    std::shared_ptr<const FrameLines> lines_for(const std::string& source, const Snapshot& snapshot);
    /// After a config reload: the entries of `removed` sources go (a source added again later under
    /// the same name starts afresh), with those of dropped frames, so sources come and go without
    /// the map, or the files it holds, growing.
    void forget(const std::vector<std::string>& removed);

private:
    using Jpeg = std::shared_ptr<const std::vector<uint8_t>>;
    struct Entry {
        std::weak_ptr<const std::vector<uint8_t>> jpeg;  // which frame; weak: a dropped frame is not kept
        bool live = false;                               // live answers carry X-Frame-Sequence
        std::chrono::system_clock::time_point grabbed_at;  // a late builder of an older frame must not win
        std::shared_ptr<const FrameLines> lines;
        int requests = 1;           // answers of this frame so far; the file pays off from the second
        bool file_started = false;  // one request makes the file; the others are sent from memory meanwhile

        bool holds(const Jpeg& frame_jpeg, bool frame_live) const;  // this very frame, of this kind
    };
    std::shared_ptr<const FrameLines> add_file(const std::string& source, const Jpeg& jpeg, bool live,
                                               const FrameLines& lines);
    bool still_holds(const std::string& source, const Jpeg& jpeg, bool live);
    void drop_dropped_frames();  // with mutex_ held: entries whose frame the cache let go, and their files

    const FileWriting writing_;
    std::mutex mutex_;
    // mutex_ protects the following state: one entry per source name asked for whose frame is alive.
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace ptzgrab::web
