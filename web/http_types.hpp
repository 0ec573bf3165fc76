#pragma once
// The request and response types the router and the sessions share.
// Response bodies are shared, immutable buffers: /latest.jpg sends the cache's prepared
// JPEG as it is, with no copy and no re-encode per request.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptzgrab::web {

namespace http = boost::beast::http;

/// A Beast body whose bytes are owned elsewhere (a shared buffer) and only referenced here.
struct SharedBody {
    struct value_type {
        std::shared_ptr<const void> owner;  // keeps `data` alive
        const void* data = nullptr;
        std::size_t size = 0;
    };

    static std::uint64_t size(const value_type& body) { return body.size; }

    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool is_request, class Fields>
        writer(const http::header<is_request, Fields>&, const value_type& body) : body_(body) {}

        void init(boost::beast::error_code& ec) { ec = {}; }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
            ec = {};
            return std::pair{const_buffers_type(body_.data, body_.size), false};
        }

    private:
        const value_type& body_;
    };
};

using Request = http::request<http::string_body>;
using Response = http::response<SharedBody>;

/// What finishing and logging an answer need of its request, kept by the reply until it is called:
/// five values instead of a copy of the request's head (an allocation per header field).
struct RequestFacts {
    template <class Body>
    explicit RequestFacts(const http::request<Body>& request)
        : method(request.method()), method_text(request.method_string()), version(request.version()),
          keep_alive(request.keep_alive()), target(request.target()) {}
    http::verb method;
    std::string method_text;  // as sent: an unknown method's own name
    unsigned version;
    bool keep_alive;
    std::string target;
};

struct FrameStream;  // frame_stream.hpp
class BodyFile;      // body_file.hpp

/// What a frame's answer has in common for every request of that frame, built once per frame
/// (frame_heads.hpp): /latest.jpg and /stream/snapshot from memory then build no header per request,
/// only the age and the cache state, and send the JPEG without copying it.
struct FrameLines {
    std::string before_age;     // "Server: ...\r\n" ... "X-Frame-Grabbed-At: ...\r\nX-Frame-Age-Ms: "
    std::string after_cache;    // "X-Frame-Sequence" (live) "X-Source-Status", "Cache-Control" lines
    std::string content_length; // "Content-Length: N\r\n"
    std::shared_ptr<const BodyFile> jpeg_file;  // the JPEG, for sendfile; null: sent from memory
};

/// A frame answered from memory: `lines` plus what differs per request.
struct PreparedFrame {
    std::shared_ptr<const FrameLines> lines;
    std::chrono::milliseconds age{0};
    std::string_view cache_state;  // static text: "hit", "refreshing", "live", "miss"
};

/// What the router answers: a response, or for /stream/mjpeg the head of a response whose body the
/// connection keeps writing (`stream` set). Built implicitly from a Response, so routes reply as before.
/// With `frame` set, `head` holds only the status, version, Connection and the body (the JPEG),
/// and the other header lines come from `frame` (response_wire.hpp writes both alike).
struct Answer {
    Answer(Response response) : head(std::move(response)) {}  // NOLINT(google-explicit-constructor)
    Answer(Response response, std::shared_ptr<FrameStream> frames) : head(std::move(response)), stream(std::move(frames)) {}
    Answer(Response response, PreparedFrame prepared) : head(std::move(response)), frame(std::move(prepared)) {}
    Response head;
    std::shared_ptr<FrameStream> stream;
    std::optional<PreparedFrame> frame;
};

SharedBody::value_type body_from(std::string text);
SharedBody::value_type body_from(std::shared_ptr<const std::vector<uint8_t>> bytes);
SharedBody::value_type body_from(std::vector<uint8_t> bytes);

/// The body as text (for tests and logs).
std::string_view body_view(const Response& response);

}  // namespace ptzgrab::web
