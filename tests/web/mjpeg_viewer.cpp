#include "mjpeg_viewer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace ptzgrab::testing {

using std::chrono::steady_clock;

namespace {

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// "Name: value" into `headers`, the name lower-case.
void add_header(std::map<std::string, std::string>& headers, const std::string& line) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) return;
    size_t start = line.find_first_not_of(' ', colon + 1);
    headers[lower(line.substr(0, colon))] = start == std::string::npos ? "" : line.substr(start);
}

}  // namespace

MjpegViewer::MjpegViewer(int port, const std::string& target, int receive_buffer_bytes) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    if (receive_buffer_bytes > 0)
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
        close();
        return;
    }
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) close();
}

MjpegViewer::~MjpegViewer() { close(); }

void MjpegViewer::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool MjpegViewer::fill(steady_clock::time_point deadline) {
    if (fd_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
}

std::optional<std::string> MjpegViewer::line(steady_clock::time_point deadline) {
    for (;;) {
        size_t end = buffer_.find("\r\n");
        if (end != std::string::npos) {
            std::string text = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            return text;
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

int MjpegViewer::read_head(std::chrono::milliseconds timeout) {
    auto deadline = steady_clock::now() + timeout;
    auto status_line = line(deadline);
    if (!status_line || status_line->size() < 12) return 0;
    int status = std::atoi(status_line->c_str() + 9);
    while (auto header_line = line(deadline)) {
        if (header_line->empty()) return status;
        add_header(headers_, *header_line);
    }
    return 0;
}

std::string MjpegViewer::header(const std::string& name) const {
    auto it = headers_.find(lower(name));
    return it == headers_.end() ? std::string() : it->second;
}

std::optional<MjpegPart> MjpegViewer::read_part(std::chrono::milliseconds timeout) {
    auto deadline = steady_clock::now() + timeout;
    std::optional<std::string> boundary;
    do {
        boundary = line(deadline);
    } while (boundary && boundary->empty());  // the CRLF that ends the previous part
    if (!boundary || !boundary->starts_with("--")) return std::nullopt;
    MjpegPart part;
    for (;;) {
        auto header_line = line(deadline);
        if (!header_line) return std::nullopt;
        if (header_line->empty()) break;
        add_header(part.headers, *header_line);
    }
    size_t length = std::stoul(part.headers["content-length"]);
    while (buffer_.size() < length)
        if (!fill(deadline)) return std::nullopt;
    part.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return part;
}

bool MjpegViewer::wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = steady_clock::now() + timeout;
    while (fd_ >= 0 && steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now()).count();
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
        char chunk[65536];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
    }
    return false;
}

}  // namespace ptzgrab::testing
