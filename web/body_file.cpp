#include "body_file.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <new>
#include <string>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U  // Linux 6.3; older headers lack it
#endif

namespace ptzgrab::web {
namespace {

// Files alive at once, past which answers go from memory: each is a descriptor, and a slow client
// holds its frame's file for as long as its write lasts; accept and ffmpeg need descriptors too.
constexpr int max_files_alive = 64;
std::atomic<int> files_alive{0};

// Kernels from 6.3 on warn about (or, with vm.memfd_noexec=2, refuse) a memfd that is not sealed
// against exec; older ones reject the flag. Tried once with it, then without if refused as unknown.
std::atomic<bool> noexec_flag_known_unknown{false};

int make_memfd() {
    if (!noexec_flag_known_unknown.load(std::memory_order_relaxed)) {
        int fd = ::memfd_create("ptzgrab-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL);
        if (fd >= 0 || errno != EINVAL) return fd;
        noexec_flag_known_unknown.store(true, std::memory_order_relaxed);
    }
    return ::memfd_create("ptzgrab-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

bool write_all(int fd, std::span<const unsigned char> bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

// Whether `fd`'s file is in shmem (a tmpfs, like most fallback folders): there an unnamed file
// costs what a memfd does, without the seals.
bool in_shmem(int fd) {
    struct statfs filesystem{};
    return ::fstatfs(fd, &filesystem) != 0 || filesystem.f_type == TMPFS_MAGIC;
}

// The bytes in an unnamed file in `directory` (O_TMPFILE, O_EXCL: it can never be given a name), gone
// with its last descriptor even after a crash. Kept through a read-only descriptor, mode 0400, so
// that only root could change pages a socket still sends. -1 if none, or if it would be in shmem.
int unnamed_file_holding(const std::filesystem::path& directory, std::span<const unsigned char> bytes) {
    if (directory.empty()) return -1;
    int writer = ::open(directory.c_str(), O_TMPFILE | O_EXCL | O_WRONLY | O_CLOEXEC, 0400);
    if (writer < 0) return -1;
    int reader = -1;
    if (!in_shmem(writer) && write_all(writer, bytes)) {
        std::string self = "/proc/self/fd/" + std::to_string(writer);
        reader = ::open(self.c_str(), O_RDONLY | O_CLOEXEC);
    }
    ::close(writer);
    return reader;
}

// The bytes in a memfd sealed against every change: pages a socket still sends never change. -1 if none.
int sealed_memfd_holding(std::span<const unsigned char> bytes) {
    int fd = make_memfd();
    if (fd >= 0 && (!write_all(fd, bytes) ||
                    ::fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)) {
        ::close(fd);
        fd = -1;
    }
    return fd;
}

}  // namespace

std::shared_ptr<const BodyFile> BodyFile::holding(std::span<const unsigned char> bytes,
                                                  const std::filesystem::path& directory) {
    if (bytes.empty()) return nullptr;
    if (files_alive.fetch_add(1) >= max_files_alive) {
        files_alive.fetch_sub(1);
        return nullptr;
    }
    int fd = unnamed_file_holding(directory, bytes);
    if (fd < 0) fd = sealed_memfd_holding(bytes);  // no such folder, a tmpfs, a full disk, no O_TMPFILE there
    if (fd < 0) {
        files_alive.fetch_sub(1);
        return nullptr;
    }
    auto* file = new (std::nothrow) BodyFile(fd, bytes.size());
    if (!file) {
        ::close(fd);
        files_alive.fetch_sub(1);
        return nullptr;
    }
    return std::shared_ptr<const BodyFile>(file);  // if this throws, it deletes `file`: closed and counted
}

BodyFile::~BodyFile() {
    ::close(fd_);
    files_alive.fetch_sub(1);
}

}  // namespace ptzgrab::web
