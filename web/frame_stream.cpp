#include "frame_stream.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <mutex>

#include "responses.hpp"

namespace ptzgrab::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// After a failed wait that was not a timeout (the child died, the source refused): the next ask
/// comes this much later, so a source that fails at once is not asked in a loop.
constexpr std::chrono::milliseconds retry_pause{1000};

/// The kernel's send buffer of a viewer's socket. Left to autotuning it grows to megabytes (4 MiB
/// here): a queue of old frames, and a viewer that stopped reading would not stall a write for
/// minutes. This much holds a few 1080p frames; a bigger frame is just written in several steps.
constexpr int viewer_send_buffer_bytes = 128 * 1024;

// What the cache's callback and the server's stop leave for the writer. They may come on any
// thread; they post a wake-up to the connection's io thread, where `alarm` lives.
struct Mailbox {
    std::mutex mutex;
    // mutex protects the following state.
    std::optional<Result<Snapshot>> frame;
    bool stopping = false;

    // Only on the connection's io thread: the writer's timer, null once the writer has left.
    asio::steady_timer* alarm = nullptr;
};

void wake(const std::shared_ptr<Mailbox>& box, const asio::any_io_executor& executor) {
    asio::post(executor, [box] {
        if (box->alarm) box->alarm->cancel();
    });
}

bool stopping(Mailbox& box) {
    std::lock_guard lock(box.mutex);
    return box.stopping;
}

// Sleeps until `when` or the stop; false when the stream must end.
asio::awaitable<bool> sleep_until(Mailbox& box, steady_clock::time_point when) {
    box.alarm->expires_at(when);
    if (stopping(box)) co_return false;
    co_await box.alarm->async_wait(use_tuple);
    co_return !stopping(box);
}

// The frame the cache answered, or nullopt when the server stops first.
asio::awaitable<std::optional<Result<Snapshot>>> wait_frame(Mailbox& box) {
    for (;;) {
        {
            std::lock_guard lock(box.mutex);
            if (box.stopping) co_return std::nullopt;
            if (box.frame) co_return std::exchange(box.frame, std::nullopt);
        }
        box.alarm->expires_at(steady_clock::time_point::max());
        co_await box.alarm->async_wait(use_tuple);
    }
}

std::string unix_seconds(std::chrono::system_clock::time_point when) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
    char text[32];
    std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
    return text;
}

asio::awaitable<bool> write_part(beast::tcp_stream& stream, const Snapshot& frame, std::chrono::milliseconds timeout) {
    static constexpr std::string_view crlf = "\r\n";
    std::string header = mjpeg_part_header(frame);
    std::array<asio::const_buffer, 3> part{asio::buffer(header), asio::buffer(*frame.jpeg), asio::buffer(crlf)};
    stream.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, part, use_tuple);
    co_return !ec;
}

// The viewer sends nothing after its request, so a read that ends tells that it left (EOF, reset),
// even while no frame is written (the source is down). Runs on the connection's io thread; bytes it does send are
// dropped. No new read once the writer has left: the stream may be gone then.
void watch_for_leaving(beast::tcp_stream& stream, std::shared_ptr<Mailbox> box, const asio::any_io_executor& executor) {
    auto scratch = std::make_shared<std::array<char, 512>>();
    stream.socket().async_read_some(
        asio::buffer(*scratch),
        asio::bind_executor(executor, [&stream, box, executor, scratch](boost::system::error_code ec, std::size_t) {
            if (!box->alarm) return;
            if (!ec) return watch_for_leaving(stream, box, executor);
            {
                std::lock_guard lock(box->mutex);
                box->stopping = true;
            }
            box->alarm->cancel();
        }));
}

// Clears the mailbox's view of the timer when the writer leaves, however it leaves.
struct AlarmGuard {
    Mailbox& box;
    ~AlarmGuard() { box.alarm = nullptr; }
};

}  // namespace

Response mjpeg_head() {
    auto res = make_response(http::status::ok, "multipart/x-mixed-replace; boundary=" + std::string(mjpeg_boundary), {});
    res.set(http::field::cache_control, "no-store, no-cache, must-revalidate, max-age=0");
    res.set(http::field::pragma, "no-cache");
    return res;
}

std::string mjpeg_part_header(const Snapshot& frame) {
    std::string h = "--" + std::string(mjpeg_boundary) + "\r\nContent-Type: image/jpeg\r\nContent-Length: ";
    h += std::to_string(frame.jpeg ? frame.jpeg->size() : 0);
    h += "\r\nX-Timestamp: " + unix_seconds(frame.frame.grabbed_at);
    h += "\r\nX-Frame-Grabbed-At: " + rfc3339_utc(frame.frame.grabbed_at);
    h += "\r\nX-Frame-Sequence: " + std::to_string(frame.sequence) + "\r\n\r\n";
    return h;
}

asio::awaitable<void> write_frame_stream(beast::tcp_stream& stream, Response head, FrameStream& frames,
                                         std::chrono::milliseconds write_timeout) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer alarm(executor);
    auto box = std::make_shared<Mailbox>();
    box->alarm = &alarm;
    AlarmGuard guard{*box};
    frames.ticket->on_stop([box, executor] {
        {
            std::lock_guard lock(box->mutex);
            box->stopping = true;
        }
        wake(box, executor);
    });

    boost::system::error_code ignored;
    stream.socket().set_option(asio::socket_base::send_buffer_size(viewer_send_buffer_bytes), ignored);

    http::response_serializer<SharedBody> serializer(head);
    stream.expires_after(write_timeout);
    auto [head_ec, head_n] = co_await http::async_write_header(stream, serializer, use_tuple);
    if (head_ec) co_return;
    watch_for_leaving(stream, box, executor);

    auto pace = frames.fps ? std::chrono::duration_cast<steady_clock::duration>(std::chrono::duration<double>(1 / *frames.fps))
                           : steady_clock::duration::zero();
    uint64_t sent = 0;
    steady_clock::time_point last_sent{};
    for (;;) {
        if (pace > pace.zero() && !co_await sleep_until(*box, last_sent + pace)) break;
        // Asked only now that the last write is done: what came meanwhile is skipped, the newest is sent.
        // A reload that removed or changed the source ends this viewer: its frames were of the old one.
        if (auto now = frames.cache.find(frames.source->name); !now || !(*now == *frames.source)) break;
        frames.cache.next(frames.source->name, sent, frames.source->grab.timeout, [box, executor](Result<Snapshot> frame) {
            {
                std::lock_guard lock(box->mutex);
                box->frame = std::move(frame);
            }
            wake(box, executor);
        });
        auto frame = co_await wait_frame(*box);
        if (!frame) break;
        if (!*frame) {
            ErrorKind kind = frame->error().kind;
            if (kind == ErrorKind::cancelled || kind == ErrorKind::invalid_input) break;
            if (kind != ErrorKind::timeout && !co_await sleep_until(*box, steady_clock::now() + retry_pause)) break;
            continue;  // the source is down or slow: the viewer keeps its last picture and waits
        }
        if (!(*frame)->jpeg || (*frame)->stale || (*frame)->sequence <= sent) {
            // Not a new frame: the viewer has it already. Asking again at once would be a busy loop.
            if (!co_await sleep_until(*box, steady_clock::now() + retry_pause)) break;
            continue;
        }
        if (!co_await write_part(stream, **frame, write_timeout)) break;  // gone, or stalled past the timeout
        sent = (*frame)->sequence;
        last_sent = steady_clock::now();
    }
}

}  // namespace ptzgrab::web
