#include "body_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace ptzgrab::web {
namespace {

bool write_all(int fd, std::span<const unsigned char> bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::shared_ptr<const BodyFile> BodyFile::holding(std::span<const unsigned char> bytes) {
    int fd = ::memfd_create("ptzgrab-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return nullptr;
    // Sealed: pages the kernel is still sending can never change under a reader.
    if (!write_all(fd, bytes) ||
        ::fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        ::close(fd);
        return nullptr;
    }
    return std::shared_ptr<const BodyFile>(new BodyFile(fd, bytes.size()));
}

BodyFile::~BodyFile() { ::close(fd_); }

}  // namespace ptzgrab::web
