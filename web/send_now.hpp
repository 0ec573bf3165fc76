#pragma once
// The zero-copy first attempt at an answer from memory: as much as the socket takes at once, the
// head corked onto the body and the body by sendfile. What it leaves, the connection writes as usual.
#include <cstddef>
#include <string_view>

#include "body_file.hpp"

namespace ptzgrab::web {

/// Sends `head` then `body` on the non-blocking `socket` until the socket would block or fails;
/// returns the bytes sent (of head and body together). Never waits, never throws. An error is left
/// for the write of the rest, which reports it with the connection's deadline.
std::size_t send_now(int socket, std::string_view head, const BodyFile& body);

}  // namespace ptzgrab::web
