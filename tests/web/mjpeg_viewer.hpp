#pragma once
// A viewer of /stream/mjpeg over a real loopback socket: reads the head, then parts one by one.
// Every read has a deadline. A viewer may also never read, with a small receive buffer, to stall.
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace ptzgrab::testing {

struct MjpegPart {
    std::map<std::string, std::string> headers;  // names lower-case
    std::string body;
};

class MjpegViewer {
public:
    /// Connects and sends GET `target`; `receive_buffer_bytes` > 0 shrinks SO_RCVBUF first.
    MjpegViewer(int port, const std::string& target, int receive_buffer_bytes = 0);
    ~MjpegViewer();
    MjpegViewer(const MjpegViewer&) = delete;
    MjpegViewer& operator=(const MjpegViewer&) = delete;

    /// The status of the answer (0 when none came within `timeout`); its headers in headers().
    int read_head(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    const std::map<std::string, std::string>& headers() const { return headers_; }
    std::string header(const std::string& name) const;
    /// The next whole part, or nullopt when the connection ended or `timeout` passed.
    std::optional<MjpegPart> read_part(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// True once the server has ended the connection (EOF or reset), waiting at most `timeout`,
    /// discarding what it still sends.
    bool wait_closed(std::chrono::milliseconds timeout);
    void close();

private:
    bool fill(std::chrono::steady_clock::time_point deadline);  // more bytes into buffer_; false at EOF/deadline
    std::optional<std::string> line(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string buffer_;
    std::map<std::string, std::string> headers_;
};

}  // namespace ptzgrab::testing
