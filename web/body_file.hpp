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
    /// An unnamed, read-only file in `directory` holding `bytes`, else (no directory given, or none
    /// can be made there) a sealed memfd; null for no bytes, when the kernel refuses both, or when 64
    /// are alive already (the answer is then written from memory, as before). A disk filesystem's
    /// page cache hands sendfile the file in large folios, where a memfd's is looked up page by page.
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
