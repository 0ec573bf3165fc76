#include "http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

#include "core/frame.hpp"

namespace ptzgrab::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

tcp::endpoint loopback(int port) { return {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}; }

asio::awaitable<HttpReply> exchange(int port, http::request<http::string_body> request,
                                    std::chrono::milliseconds deadline) {
    HttpReply reply;
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(deadline);  // one deadline for the whole exchange
    auto [connect_ec] = co_await stream.async_connect(loopback(port), use_tuple);
    if (connect_ec) co_return reply.error = "connect: " + connect_ec.message(), reply;
    auto [write_ec, written] = co_await http::async_write(stream, request, use_tuple);
    if (write_ec) co_return reply.error = "write: " + write_ec.message(), reply;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    parser.skip(request.method() == http::verb::head);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_ec) co_return reply.error = "read: " + read_ec.message(), reply;
    auto response = parser.release();
    reply.status = response.result_int();
    for (const auto& field : response) reply.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    reply.body = std::move(response.body());
    co_return reply;
}

asio::awaitable<RawExchange> raw(int port, std::string text, std::chrono::milliseconds deadline) {
    RawExchange out;
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(deadline);
    auto [connect_ec] = co_await stream.async_connect(loopback(port), use_tuple);
    if (connect_ec) co_return out;
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(text), use_tuple);
    if (write_ec) co_return out;
    char chunk[4096];
    for (;;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), use_tuple);
        out.received.append(chunk, n);
        if (ec == asio::error::eof || ec == asio::error::connection_reset) out.closed_by_server = true;
        if (ec) break;
    }
    co_return out;
}

template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    io.run();
    return future.get();
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? std::string() : it->second;
}

HttpReply http_call(int port, const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers, std::chrono::milliseconds deadline) {
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.prepare_payload();
    asio::io_context io;
    return run(io, exchange(port, std::move(request), deadline));
}

RawExchange raw_exchange(int port, const std::string& request, std::chrono::milliseconds deadline) {
    asio::io_context io;
    return run(io, raw(port, request, deadline));
}

bool is_jpeg(const std::string& body) {
    auto frame = ptzgrab::decode_frame(std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size()),
                                       std::chrono::system_clock::now());
    return frame.has_value();
}

}  // namespace ptzgrab::testing
