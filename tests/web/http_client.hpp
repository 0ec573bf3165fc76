#pragma once
// A small HTTP/1.1 client over real loopback sockets for the server tests; every call has a deadline.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ptzgrab::testing {

struct HttpReply {
    int status = 0;  // 0: no answer (connection failed, closed or timed out)
    std::map<std::string, std::string> headers;  // names lower-case
    std::string body;
    std::string error;

    std::string header(const std::string& name) const;
};

HttpReply http_call(int port, const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers = {},
                    std::chrono::milliseconds deadline = std::chrono::seconds(30));

inline HttpReply http_get(int port, const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return http_call(port, "GET", target, headers);
}

struct RawExchange {
    std::string received;          // everything the server sent
    bool closed_by_server = false; // the server ended the connection before the deadline
};

/// Sends `request` as raw bytes (no validation), then reads until the server closes or `deadline` passes.
/// True when `body` decodes as a picture (an answer's JPEG, an MJPEG part).
bool is_jpeg(const std::string& body);

RawExchange raw_exchange(int port, const std::string& request, std::chrono::milliseconds deadline);

}  // namespace ptzgrab::testing
