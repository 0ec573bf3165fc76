#pragma once
// A real full disk for tests: a small tmpfs mounted for the test's life and filled to the last byte.
// Needs root (CI runs as root); a disk full error is then the kernel's own ENOSPC, not a fake.
#include <filesystem>

namespace ptzgrab::testing {

class FullDisk {
public:
    explicit FullDisk(std::size_t size_bytes = 256 * 1024);
    ~FullDisk();  // unmounts
    FullDisk(const FullDisk&) = delete;
    FullDisk& operator=(const FullDisk&) = delete;

    bool mounted() const { return mounted_; }
    const std::filesystem::path& path() const { return path_; }
    /// Fills every free byte (a file named .filler); later writes fail with ENOSPC.
    void fill();
    /// Removes the filler: the disk has room again.
    void make_room();

private:
    std::filesystem::path path_;
    bool mounted_ = false;
};

}  // namespace ptzgrab::testing
