// make_http_transport: one HTTP/1.1 POST per call with Beast, on a private io_context run by the
// calling thread, every step bounded by one deadline; the host name is resolved first (host_resolver.hpp).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include "text_format.hpp"

#include "host_resolver.hpp"
#include "http_url.hpp"
#include "soap_transport.hpp"

namespace ptzgrab::ptz {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t body_limit_bytes = 1 << 20;

// Every Digest challenge, joined with ", " (one list, as HTTP allows), so that parse_digest_challenge
// can pass over a SHA-256 one to an MD5 one; without any, the first challenge.
std::string challenge_of(const http::response<http::string_body>& response) {
    std::string first, digests;
    auto [begin, end] = response.equal_range(http::field::www_authenticate);
    for (auto field = begin; field != end; ++field) {
        std::string value(field->value());
        if (value.size() >= 6 && (value.starts_with("Digest") || value.starts_with("digest")))
            digests += (digests.empty() ? "" : ", ") + value;
        if (first.empty()) first = value;
    }
    return digests.empty() ? first : digests;
}

asio::awaitable<void> exchange(const HttpUrl& url, const Endpoints& endpoints, const SoapRequest& request,
                               std::chrono::steady_clock::time_point deadline, Result<SoapReply>& result) {
    auto executor = co_await asio::this_coro::executor;
    beast::tcp_stream stream(executor);
    stream.expires_at(deadline);
    co_await stream.async_connect(endpoints, asio::use_awaitable);

    http::request<http::string_body> out{http::verb::post, url.target, 11};
    out.set(http::field::host, host_field(url));
    out.set(http::field::user_agent, "ptzgrab");
    out.set(http::field::content_type,
            format_text("application/soap+xml; charset=utf-8; action=\"{}\"", request.action));
    if (!request.authorization.empty()) out.set(http::field::authorization, request.authorization);
    out.set(http::field::connection, "close");
    out.body() = request.envelope;
    out.prepare_payload();
    stream.expires_at(deadline);
    co_await http::async_write(stream, out, asio::use_awaitable);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit_bytes);
    parser.header_limit(64 * 1024);
    stream.expires_at(deadline);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    const auto& response = parser.get();
    SoapReply reply;
    reply.status = static_cast<int>(response.result_int());
    reply.content_type = std::string(response[http::field::content_type]);
    reply.www_authenticate = challenge_of(response);
    reply.body = response.body();
    result = std::move(reply);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

Error transport_error(const std::exception& e, const SoapRequest& request, bool deadline_passed) {
    if (deadline_passed)
        return Error{ErrorKind::timeout, format_text("no answer from the camera within {} ms", request.timeout.count()), {}};
    if (auto* system = dynamic_cast<const boost::system::system_error*>(&e)) {
        if (system->code() == beast::error::timeout)
            return Error{ErrorKind::timeout,
                         format_text("no answer from the camera within {} ms", request.timeout.count()), {}};
        if (system->code() == http::error::body_limit)
            return Error{ErrorKind::device_error, "the camera's reply is over 1 MiB", {}};
        return Error{ErrorKind::source_unreachable, "cannot reach the camera: " + system->code().message(), {}};
    }
    return Error{ErrorKind::source_unreachable, std::string("cannot reach the camera: ") + e.what(), {}};
}

class HttpTransport final : public SoapTransport {
public:
    Result<SoapReply> post(const SoapRequest& request) override {
        auto url = parse_http_url(request.url);
        if (!url) return std::unexpected(url.error());
        auto deadline = std::chrono::steady_clock::now() + request.timeout;
        Result<SoapReply> result =
            make_error(ErrorKind::timeout, format_text("no answer from the camera within {} ms", request.timeout.count()));
        try {
            // Resolved here, not with async_resolve: its thread would be joined by ~io_context (host_resolver.hpp).
            auto endpoints = resolve_host(url->host, url->port, deadline);
            if (!endpoints) return std::unexpected(endpoints.error());
            asio::io_context io;
            std::exception_ptr failure;
            asio::co_spawn(io, exchange(*url, *endpoints, request, deadline, result),
                           [&](std::exception_ptr e) { failure = e; });
            io.run_until(deadline + std::chrono::milliseconds(50));  // a margin for the stream's own expiry
            if (failure) std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            return std::unexpected(transport_error(e, request, std::chrono::steady_clock::now() >= deadline));
        } catch (...) {
            return make_error(ErrorKind::source_unreachable, "cannot reach the camera");
        }
        return result;
    }
};

}  // namespace

std::shared_ptr<SoapTransport> make_http_transport() { return std::make_shared<HttpTransport>(); }

}  // namespace ptzgrab::ptz
