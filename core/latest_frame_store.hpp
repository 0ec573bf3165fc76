#pragma once
// Latest frames on disk for other programs (nginx, Home Assistant): <dir>/latest.jpg and
// <dir>/NAME/latest.jpg, replaced atomically; when <dir> is not writable, a fallback folder.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "error.hpp"

namespace ptzgrab {

/// The folders tried after `preferred`: $PTZGRAB_STATE_DIR, $XDG_RUNTIME_DIR/ptzgrab, a per-user temp folder.
std::vector<std::filesystem::path> fallback_directories();

struct LatestFrameStoreOptions {
    using Clock = std::chrono::steady_clock;
    /// After a fall back, the preferred folder is tried again this often: a full disk may get room.
    std::chrono::seconds retry_preferred_every{30};
    /// The disk seam: writes one file atomically.
    std::function<Result<void>(const std::filesystem::path&, std::span<const uint8_t>)> write_file =
        write_file_atomically;
    std::function<Clock::time_point()> now = Clock::now;
    /// The sources whose NAME/latest.jpg this store owns in every folder: removed from a folder it
    /// leaves even when an earlier run wrote them. The first is the default, whose frame latest.jpg
    /// shows; empty: the writers alone say which is (write's `is_default`).
    std::vector<std::string> sources;
};

class LatestFrameStore {
public:
    explicit LatestFrameStore(std::filesystem::path preferred,
                              std::vector<std::filesystem::path> fallbacks = fallback_directories(),
                              LatestFrameStoreOptions options = {});

    /// Writes NAME/latest.jpg (and latest.jpg when `is_default`, unless the sources set say another
    /// is the default: a grab racing a reload that moved it). Moves to the next folder on
    /// failure, and removes the frames it left in the folder it moves away from, so no stale
    /// picture stays behind looking current. An error only when no folder takes it.
    /// Called on grab threads; writes are serialised and may block on the disk.
    Result<std::filesystem::path> write(const std::string& source, bool is_default, std::span<const uint8_t> jpeg);

    /// The folder in use now (empty before the first successful write and when none works).
    /// Never waits for a disk write: safe on the io threads.
    std::filesystem::path directory() const;
    /// One line for the log when the folder changed since the last call, else empty.
    std::string take_change_note();
    /// After a config reload: the sources it owns from now on (see LatestFrameStoreOptions::sources).
    /// The frames of sources no longer listed leave the folder in use, with their NAME/ folders if
    /// empty then: a removed camera leaves no picture behind that looks current. When the default changed, latest.jpg becomes the new
    /// default's frame written by this store, or is removed until it has one. Call it once the
    /// removed sources' grabs have ended; may block on the disk.
    void set_sources(std::vector<std::string> sources);

private:
    Result<void> write_into(const std::filesystem::path& dir, const std::string& source, bool is_default,
                            std::span<const uint8_t> jpeg);
    std::string move_to(size_t index, const std::string& failures);
    void follow_default(const std::string& source);

    const LatestFrameStoreOptions options_;
    const std::vector<std::filesystem::path> candidates_;

    std::mutex write_mutex_;  // held across disk writes; never taken on an io thread
    // write_mutex_ protects the following state.
    std::vector<std::string> sources_;  // starts as options_.sources
    size_t current_ = 0;
    LatestFrameStoreOptions::Clock::time_point left_preferred_at_;
    std::set<std::filesystem::path> written_here_;  // files written in candidates_[current_], relative

    mutable std::mutex state_mutex_;  // never held across disk I/O
    // state_mutex_ protects the following state.
    std::filesystem::path in_use_;
    std::string change_note_;
};

}  // namespace ptzgrab
