#pragma once
// A private (0700) scratch directory that is always removed, so no grab leaks files.
#include <filesystem>

#include "error.hpp"

namespace ptzgrab {

class TempDir {
public:
    /// Under $TMPDIR (or /tmp), named ptzgrab-XXXXXX.
    static Result<TempDir> create();
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&&) = delete;
    TempDir(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
    std::filesystem::path path_;
};

}  // namespace ptzgrab
