#pragma once
// The one seam between the ONVIF client and the network: unit tests replay recorded replies
// through it; the Beast transport speaks real HTTP to a camera.
#include <chrono>
#include <memory>
#include <string>

#include "core/error.hpp"

namespace ptzgrab::ptz {

struct SoapRequest {
    std::string url;            // http://HOST[:PORT]/path (https is refused: no TLS here)
    std::string action;         // the SOAP action URI, sent in Content-Type's action parameter
    std::string envelope;       // the whole SOAP 1.2 envelope
    std::string authorization;  // an HTTP Authorization header value, or empty (HTTP Digest retries)
    std::chrono::milliseconds timeout{5000};  // for the whole exchange: connect, write, read
};

/// Whatever HTTP status came back: cameras put SOAP faults in 400, 401 and 500 answers.
struct SoapReply {
    int status = 0;
    std::string content_type;
    std::string www_authenticate;  // the challenge of a 401, if any
    std::string body;
};

/// Errors are transport ones only: timeout, source_unreachable (refused, reset, not HTTP),
/// invalid_input (a bad URL). Thread-safe; each post blocks its caller until its deadline at most.
class SoapTransport {
public:
    virtual ~SoapTransport() = default;
    virtual Result<SoapReply> post(const SoapRequest& request) = 0;
};

/// HTTP/1.1 with Beast on a private io_context per call: async I/O bounded by the deadline, run on
/// the calling thread (never a server io thread). Bodies are capped (1 MiB).
std::shared_ptr<SoapTransport> make_http_transport();

}  // namespace ptzgrab::ptz
