#include "send_now.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <cerrno>

namespace ptzgrab::web {

std::size_t send_now(int socket, std::string_view head, const BodyFile& body) {
    std::size_t sent = 0;
    while (sent < head.size()) {  // MSG_MORE: the head leaves in the body's first segment
        ssize_t n = ::send(socket, head.data() + sent, head.size() - sent, MSG_MORE | MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return sent;
        sent += static_cast<std::size_t>(n);
    }
    off_t offset = 0;  // sendfile with an offset leaves the file's own position alone: shared files are safe
    while (static_cast<std::size_t>(offset) < body.size()) {
        ssize_t n = ::sendfile(socket, body.fd(), &offset, body.size() - static_cast<std::size_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EAGAIN: the rest waits for room; anything else: the rest's write reports it
    }
    return sent + static_cast<std::size_t>(offset);
}

}  // namespace ptzgrab::web
