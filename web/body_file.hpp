#pragma once
// A frame's JPEG copied once into a sealed in-memory file, so that every answer can hand it to the
// kernel with sendfile: the socket then references the pages instead of copying 76 KB per request.
#include <cstddef>
#include <memory>
#include <span>

namespace ptzgrab::web {

class BodyFile {
public:
    /// A sealed memfd holding `bytes`; null for no bytes, when the kernel refuses one, or when 64
    /// are alive already (the answer is then written from memory, as before).
    static std::shared_ptr<const BodyFile> holding(std::span<const unsigned char> bytes);

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
