#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <atomic>
#include <limits>
#include <memory>
#include <string>
#include <tuple>

#include "answer_slot.hpp"
#include "frame_stream.hpp"
#include "response_wire.hpp"
#include "responses.hpp"
#include "send_now.hpp"
#include "wait_deadline.hpp"

namespace ptzgrab::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Waits for the slot's answer, posted back to this connection's io thread from the grab thread
// that answers (never resumed inline: AnswerSlot::wait may run it at once). While the coroutine
// waits only the reply holds the slot, so there is no cycle through the handler. Not a coroutine
// itself: written inline in a co_await, the same lambda freed the slot early under GCC 12 (ASan).
asio::awaitable<Answer> answer_later(std::shared_ptr<AnswerSlot> slot) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Answer)>(
        [waiting = std::move(slot)](auto handler) mutable {
            auto slot_of_reply = std::move(waiting);  // the initiation outlives this call; the slot must not
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            slot_of_reply->wait([shared](Answer answer) {
                auto executor = asio::get_associated_executor(*shared);
                asio::post(executor, [shared, answer = std::move(answer)]() mutable { (*shared)(std::move(answer)); });
            });
        },
        asio::use_awaitable);
}

// asio::transfer_all hands the socket 64 KiB per call: a 76 KB JPEG took two sendmsg calls.
// This offers all that is left; the kernel takes what fits and the write goes on from there.
constexpr auto whole_writes = [](const boost::system::error_code& ec, std::size_t) -> std::size_t {
    return ec ? 0 : std::numeric_limits<std::size_t>::max();
};

// The frame's JPEG as a file for sendfile, when the answer's body is that JPEG (not for HEAD).
const BodyFile* jpeg_file_of(const Answer& answer) {
    if (!answer.frame || !answer.frame->lines || !answer.frame->lines->jpeg_file) return nullptr;
    const BodyFile& file = *answer.frame->lines->jpeg_file;
    return file.size() > 0 && file.size() == answer.head.body().size ? &file : nullptr;
}

// Writes the answer's head (built into `head`, reused from answer to answer) and body: a frame's
// JPEG first by sendfile as far as the socket takes it at once, then what is left in one gather write.
asio::awaitable<bool> write_answer(beast::tcp_stream& stream, WaitDeadline& deadline, const Answer& answer,
                                   std::string& head, const SessionLimits& limits, bool may_send_now = false) {
    write_head(answer, head);
    const SharedBody::value_type& body = answer.head.body();
    std::size_t sent = 0;
    const BodyFile* file = may_send_now ? jpeg_file_of(answer) : nullptr;
    if (file) sent = send_now(stream.socket().native_handle(), head, *file);
    if (sent == head.size() + body.size) co_return true;
    std::size_t head_sent = std::min(sent, head.size());
    std::array<asio::const_buffer, 2> rest{asio::buffer(head) + head_sent,
                                           asio::const_buffer(body.data, body.size) + (sent - head_sent)};
    deadline.start(limits.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream.socket(), rest, whole_writes, use_tuple);
    deadline.stop();
    co_return !ec;
}

// The answer to a request that could not be read; nullopt when the connection should just close.
std::optional<Response> read_failure_answer(const beast::error_code& ec) {
    if (ec == http::error::header_limit)
        return text_response(http::status::request_header_fields_too_large, "request headers too large");
    if (ec == http::error::body_limit) return text_response(http::status::payload_too_large, "request body too large");
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == http::error::partial_message || ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
        return std::nullopt;
    return text_response(http::status::bad_request, "malformed request");
}

asio::awaitable<void> write_and_close(beast::tcp_stream& stream, WaitDeadline& deadline, Response res,
                                      const SessionLimits& limits) {
    res.version(11);
    res.keep_alive(false);
    res.content_length(res.body().size);
    std::string head;
    Answer answer(std::move(res));  // named: it must outlive the write (no temporary across co_await)
    co_await write_answer(stream, deadline, answer, head, limits);
}

// Parses what the buffer holds into `parser`, with no I/O: a whole small request (the usual case)
// is done here, without the post an async read would make. need_more is no error: read on.
beast::error_code parse_buffered(http::request_parser<http::string_body>& parser, beast::flat_buffer& buffer) {
    beast::error_code ec;
    while (buffer.size() > 0 && !parser.is_done()) {
        std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == http::error::need_more) return {};
        if (ec || used == 0) return ec;
    }
    return ec;
}

// Waits for the first byte of the next request within `timeout`; false when none came.
asio::awaitable<bool> await_next_request(beast::tcp_stream& stream, WaitDeadline& deadline, beast::flat_buffer& buffer,
                                         std::chrono::milliseconds timeout) {
    if (buffer.size() > 0) co_return true;  // pipelined: already here
    deadline.start(timeout);
    auto [ec, n] = co_await stream.socket().async_read_some(buffer.prepare(4096), use_tuple);
    deadline.stop();
    buffer.commit(n);
    co_return !ec && n > 0;
}

}  // namespace

// GCC 12 inlines Asio's awaitable frame operator new (aligned_alloc inside) into this coroutine and
// takes the frame's own operator delete, which frees that memory correctly, for a mismatch.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> run_session(asio::ip::tcp::socket socket, const Router& router, SessionLimits limits) {
    boost::system::error_code nodelay_ec;  // a socket that refuses it still serves, a little slower
    socket.set_option(asio::ip::tcp::no_delay(true), nodelay_ec);
    boost::system::error_code nonblocking_ec;  // send_now must never block an io thread: no send_now without it
    socket.native_non_blocking(true, nonblocking_ec);
    const bool may_send_now = !nonblocking_ec;
    beast::tcp_stream stream(std::move(socket));  // its timer times a request in pieces and the MJPEG stream
    WaitDeadline deadline(stream.socket());         // the waits for the next request and for a write to go out
    beast::flat_buffer buffer(limits.read_buffer_limit_bytes);
    std::string head;  // the wire head of each answer, its capacity kept from answer to answer
    // Each request's reply target. Kept for the next request when nothing else holds it (no copy of
    // the reply is left anywhere, so no late call can reach it), as it is after most answers.
    std::shared_ptr<AnswerSlot> slot;
    int pipelined_in_a_row = 0;
    for (bool first = true;; first = false) {
        // Requests already buffered are answered with no wait; after 16 in a row, the thread's
        // other connections get a turn, so a client pipelining hundreds cannot hold the thread.
        if (buffer.size() == 0) {
            pipelined_in_a_row = 0;
        } else if (++pipelined_in_a_row == 16) {
            pipelined_in_a_row = 0;
            co_await asio::post(stream.get_executor(), asio::use_awaitable);
        }
        auto wait = first ? limits.first_byte_timeout : std::chrono::milliseconds(limits.idle_timeout);
        if (!co_await await_next_request(stream, deadline, buffer, wait)) break;
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.header_limit_bytes));
        parser.body_limit(limits.body_limit_bytes);
        beast::error_code read_ec = parse_buffered(parser, buffer);
        if (!read_ec && !parser.is_done()) {
            stream.expires_after(limits.header_timeout);
            std::tie(read_ec, std::ignore) = co_await http::async_read(stream, buffer, parser, use_tuple);
        }
        if (read_ec) {
            if (auto answer = read_failure_answer(read_ec)) co_await write_and_close(stream, deadline, std::move(*answer), limits);
            break;
        }
        Request request = parser.release();
        // The answer, taken at once when it came before handle() returned (a held frame, a status:
        // no post and no coroutine frame), else when the grab thread that answers delivers it.
        if (slot && slot.use_count() == 1) {
            // use_count() reads relaxed: this orders every released holder's last call before the rearm.
            std::atomic_thread_fence(std::memory_order_acquire);
            slot->rearm();
        } else {
            slot = std::make_shared<AnswerSlot>();
        }
        router.handle(request, Reply(slot));
        std::optional<Answer> taken = slot->take();
        if (!taken) {
            Answer later = co_await answer_later(std::move(slot));  // named: no co_await inside a call
            taken.emplace(std::move(later));
        }
        Answer& answer = *taken;
        if (answer.stream) {  // the connection is the stream's until it ends
            co_await write_frame_stream(stream, std::move(answer.head), *answer.stream, limits.write_timeout);
            break;
        }
        if (!co_await write_answer(stream, deadline, answer, head, limits, may_send_now) || !answer.head.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream.close();
}

#pragma GCC diagnostic pop

}  // namespace ptzgrab::web
