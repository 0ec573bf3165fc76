#pragma once
// Latest frames on disk for other programs (nginx, Home Assistant): <dir>/latest.jpg and
// <dir>/NAME/latest.jpg, replaced atomically; when <dir> is not writable, a fallback folder.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "error.hpp"

namespace ptzgrab {

/// The folders tried after `preferred`: $PTZGRAB_STATE_DIR, $XDG_RUNTIME_DIR/ptzgrab, a per-user temp folder.
std::vector<std::filesystem::path> fallback_directories();

class LatestFrameStore {
public:
    explicit LatestFrameStore(std::filesystem::path preferred,
                              std::vector<std::filesystem::path> fallbacks = fallback_directories());

    /// Writes NAME/latest.jpg (and latest.jpg when `is_default`). Moves to the next folder
    /// on failure; an error only when no folder takes it. Thread-safe.
    Result<std::filesystem::path> write(const std::string& source, bool is_default, std::span<const uint8_t> jpeg);

    /// The folder in use now (empty before the first successful write and when none works).
    std::filesystem::path directory() const;
    /// One line for the log when the folder changed since the last call, else empty.
    std::string take_change_note();

private:
    mutable std::mutex mutex_;
    // mutex_ protects the following state.
    std::vector<std::filesystem::path> candidates_;
    size_t current_ = 0;
    std::filesystem::path in_use_;
    std::string change_note_;
};

}  // namespace ptzgrab
