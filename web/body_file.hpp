#pragma once
// A frame's JPEG copied once into a file of its own, so that every answer can hand it to the kernel
// with sendfile: the socket then references the pages instead of copying 76 KB per request.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

namespace ptzgrab::web {

class BodyFile {
public:
    /// An unnamed, read-only file in `directory` holding `bytes`, if that folder is on a disk; else
    /// (no folder given, a tmpfs, none can be made there) a sealed memfd. Null for no bytes, when the
    /// kernel refuses both, or when 64 are alive already (answers then go from memory). A disk
    /// filesystem's page cache hands sendfile large folios, where shmem looks up each 4 KiB page:
    /// about 9% less server CPU per answer on the build machine. Like nginx's files, a frame's file
    /// held past the kernel's dirty expiry (30 s) is written to that disk once, and may then be
    /// evicted and read back.
    static std::shared_ptr<const BodyFile> holding(std::span<const unsigned char> bytes,
                                                   const std::filesystem::path& directory = {});

    ~BodyFile();
    BodyFile(const BodyFile&) = delete;
    BodyFile& operator=(const BodyFile&) = delete;

    int fd() const { return fd_; }
    std::size_t size() const { return size_; }

private:
    BodyFile(int fd, std::size_t size) : fd_(fd), size_(size) {}
    int fd_;
    std::size_t size_;
};

}  // namespace ptzgrab::web
