#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ptzgrab {
namespace {

Result<void> fail(const std::filesystem::path& target, const char* what, int err) {
    return make_error(ErrorKind::io_error, "cannot write " + target.string() + ": " + what,
                      std::strerror(err));
}

bool write_all(int fd, std::span<const uint8_t> bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes = bytes.subspan(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

Result<void> write_file_atomically(const std::filesystem::path& target, std::span<const uint8_t> bytes) {
    std::error_code ec;
    std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(target, "cannot create its directory", ec.value());
    std::string temp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) return fail(target, "cannot create a temp file beside it", errno);
    bool ok = write_all(fd, bytes);
    int err = errno;
    // No fsync: the rename alone keeps readers from half a file, and a frame that a power
    // cut loses is re-grabbed; an fsync per frame would cost more than the frame's encoding.
    ok = ok && ::fchmod(fd, 0644) == 0;
    if (ok) err = 0; else if (err == 0) err = errno;
    if (::close(fd) != 0 && ok) { ok = false; err = errno; }
    if (ok && ::rename(temp.c_str(), target.c_str()) != 0) { ok = false; err = errno; }
    if (!ok) {
        ::unlink(temp.c_str());
        return fail(target, "write failed", err);
    }
    return {};
}

}  // namespace ptzgrab
