// LiveStream against real ffmpeg and real loopback servers; the io_context runs on a jthread.
#include "core/live_stream.hpp"

#include <signal.h>

#include <atomic>
#include <cerrno>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <fstream>
#include <functional>
#include <future>
#include <optional>
#include <thread>

#include "core/process.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"

namespace ptzgrab {
namespace {

using namespace std::chrono_literals;
using testing::processes_with_arg;
using testing::eventually;
using FrameResult = Result<std::shared_ptr<const LiveFrame>>;

// Declared before the streams it serves, so they are destroyed while it still runs.
struct IoThread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
    std::jthread thread{[this] { io.run(); }};
    ~IoThread() {
        work.reset();
        io.stop();
    }
};

// Short watchdog and backoff, so a stall or an outage is seen in seconds, not minutes.
LiveTimings quick_timings() {
    LiveTimings t;
    t.stall_min = 1500ms;
    t.stall_max = 3s;
    t.backoff_first = 200ms;
    t.backoff_max = 1s;
    t.tick = 50ms;
    return t;
}

GrabRequest request_for(const std::string& url, std::chrono::milliseconds timeout = 10s) {
    GrabRequest request;
    request.url = url;
    request.timeout = timeout;
    return request;
}

LiveOptions on_demand(std::chrono::seconds idle = 300s) {
    LiveOptions options;
    options.mode = LiveMode::on_demand;
    options.idle = idle;
    return options;
}

// The next frame after `after`, or the error wait_frame gave.
FrameResult next_frame(LiveStream& stream, uint64_t after, std::chrono::milliseconds timeout) {
    auto promise = std::make_shared<std::promise<FrameResult>>();
    auto future = promise->get_future();
    stream.wait_frame(after, timeout, [promise](FrameResult result) { promise->set_value(std::move(result)); });
    REQUIRE(future.wait_for(timeout + 5s) == std::future_status::ready);
    return future.get();
}

// Two frames in a row: the sequence and the arrival time advance.
void check_frames_advance(LiveStream& stream, std::chrono::milliseconds timeout = 15s) {
    auto first = next_frame(stream, 0, timeout);
    REQUIRE_MESSAGE(first.has_value(), first.error().message, " / ", first.error().detail);
    CHECK((*first)->jpeg->size() > 100);
    auto second = next_frame(stream, (*first)->sequence, timeout);
    REQUIRE_MESSAGE(second.has_value(), second.error().message);
    CHECK((*second)->sequence > (*first)->sequence);
    CHECK((*second)->arrived > (*first)->arrived);
    CHECK((*second)->arrived_wall >= (*first)->arrived_wall);
}

// Live ffmpeg children reading `url` (the test servers may name it too, never after "-i").
size_t live_children(const std::string& url) { return processes_with_arg("-i " + url + " ").size(); }

bool mentions(const LiveStatus& status, const std::string& secret) {
    if (status.last_error && (status.last_error->message.find(secret) != std::string::npos ||
                              status.last_error->detail.find(secret) != std::string::npos))
        return true;
    for (const auto& line : status.stderr_tail)
        if (line.find(secret) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("live stream: an RTSP H.264 source gives advancing frames from one ffmpeg, survives a server "
          "restart, never shows its password, and leaves no ffmpeg when destroyed") {
    testing::RtspOptions options;
    options.user = "viewer";
    options.password = "hunter2secret";
    std::optional<testing::RtspSource> server(std::in_place, options);
    std::string url = server->url_with_credentials();
    IoThread io;
    {
        LiveStream stream(io.io, "ffmpeg", request_for(url), on_demand(), quick_timings());
        check_frames_advance(stream);
        CHECK(live_children(url) == 1);
        CHECK(running_child_processes() >= 1);
        auto running = stream.status();
        CHECK(running.state == LiveState::running);
        CHECK(running.decoding == LiveDecode::keyframes);
        CHECK(running.keyframe_interval.has_value());
        CHECK(running.last_frame_age.has_value());

        // The server goes away: the stream backs off with a masked error.
        options.port = server->port();
        server.reset();
        REQUIRE(eventually([&] { return stream.status().state == LiveState::backoff && stream.status().last_error; }, 15s, 20ms));
        auto down = stream.status();
        CHECK(down.restarts >= 1);
        CHECK_FALSE(mentions(down, options.password));
        CHECK(down.last_error->message.find("***") != std::string::npos);

        // Back on the same port: the stream recovers by itself.
        server.emplace(options);
        uint64_t before = down.frames;
        REQUIRE(eventually([&] { return stream.status().frames > before; }, 20s, 20ms));
        CHECK(stream.status().state == LiveState::running);
        CHECK(live_children(url) == 1);
        CHECK_FALSE(mentions(stream.status(), options.password));
    }
    CHECK(live_children(url) == 0);
}

TEST_CASE("live stream: an RTSP H.265 source gives advancing frames from one ffmpeg") {
    testing::RtspOptions options;
    options.codec = "h265";
    testing::RtspSource server(options);
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url()), on_demand(), quick_timings());
    check_frames_advance(stream);
    CHECK(live_children(server.url()) == 1);
}

TEST_CASE("live stream: an HTTP MJPEG source is copied and its frames advance") {
    testing::MjpegSource server;
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url()), on_demand(), quick_timings());
    check_frames_advance(stream);
    CHECK(live_children(server.url()) == 1);
    auto status = stream.status();
    CHECK(status.frames >= 2);
    CHECK(status.restarts == 0);
}

TEST_CASE("live stream: an HLS source gives advancing frames from one ffmpeg") {
    testing::HlsSource server;
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url()), on_demand(), quick_timings());
    check_frames_advance(stream, 20s);
    CHECK(live_children(server.url()) == 1);
}

TEST_CASE("live stream: a server that hangs mid-stream is restarted by the watchdog and recovers") {
    testing::RtspSource server;
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url(), 3s), on_demand(), quick_timings());
    check_frames_advance(stream);
    REQUIRE(::kill(server.pid(), SIGSTOP) == 0);
    struct Resume {
        pid_t pid;
        ~Resume() { ::kill(pid, SIGCONT); }
    } resume{server.pid()};
    REQUIRE(eventually([&] { return stream.status().restarts >= 1; }, 15s, 20ms));
    auto restarted = stream.status();
    REQUIRE(restarted.last_error.has_value());
    CHECK(restarted.last_error->message.find("stalled") != std::string::npos);
    ::kill(server.pid(), SIGCONT);
    uint64_t before = stream.status().frames;
    REQUIRE(eventually([&] { return stream.status().frames > before; }, 20s, 20ms));
    CHECK(live_children(server.url()) == 1);
}

TEST_CASE("live stream: on_demand stays up while a viewer watches, then idles out and leaves no ffmpeg") {
    testing::RtspSource server;
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url()), on_demand(1s), quick_timings());
    CHECK(stream.status().state == LiveState::idle);
    auto viewer = stream.add_viewer();
    auto first = next_frame(stream, 0, 15s);
    REQUIRE(first.has_value());
    // No waiter and no request now: only the viewer can keep it up past the 1 s idle time.
    std::this_thread::sleep_for(2500ms);
    CHECK(stream.status().state == LiveState::running);
    CHECK(live_children(server.url()) == 1);
    // Well past the idle time, the viewer still holds it open (the frames keep coming).
    auto later = next_frame(stream, (*first)->sequence + 3, 10s);
    REQUIRE(later.has_value());
    CHECK(stream.status().viewers == 1);
    CHECK(live_children(server.url()) == 1);
    viewer.reset();
    REQUIRE(eventually([&] { return stream.status().state == LiveState::idle && live_children(server.url()) == 0; }, 10s, 20ms));
    // A request wakes it again.
    auto woken = next_frame(stream, (*later)->sequence, 15s);
    REQUIRE(woken.has_value());
    CHECK((*woken)->sequence > (*later)->sequence);
}

TEST_CASE("live stream: an intra-refresh stream yields nothing in keyframe mode, falls back to all frames and says so") {
    testing::RtspOptions options;
    options.intra_refresh = true;
    options.gop_seconds = 1000;
    testing::RtspSource server(options);
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url(), 3s), on_demand(), quick_timings());
    auto viewer = stream.add_viewer();  // keeps it wanted
    auto frame = next_frame(stream, 0, 20s);  // the keyframe sent at connection, if any, or an all-frames one
    REQUIRE_MESSAGE(frame.has_value(), frame.error().message);
    REQUIRE(eventually([&] { return stream.status().fell_back_to_all_frames; }, 20s, 20ms));
    auto later = next_frame(stream, (*frame)->sequence, 20s);  // frames keep coming, every one decoded
    REQUIRE_MESSAGE(later.has_value(), later.error().message);
    auto status = stream.status();
    CHECK(status.fell_back_to_all_frames);
    CHECK(status.decoding == LiveDecode::all);
    CHECK(live_children(server.url()) == 1);
}

TEST_CASE("live stream: an intra-refresh stream falls back in time for the first waiter to get the all-frames frame") {
    testing::RtspOptions options;
    options.intra_refresh = true;
    options.gop_seconds = 1000;
    testing::RtspSource server(options);
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url(), 6s), on_demand(), quick_timings());
    auto frame = next_frame(stream, 0, 6s);  // the request's own timeout
    REQUIRE_MESSAGE(frame.has_value(), frame.error().message);
}

TEST_CASE("live stream: after a fall-back caused by an outage, a camera that returns is decoded by keyframes again") {
    std::optional<testing::SilentTcpServer> silent(std::in_place);  // connects, answers nothing: no keyframe
    testing::RtspOptions options;
    options.port = silent->port();
    options.gop_seconds = 0.5;
    std::string url = "rtsp://127.0.0.1:" + std::to_string(options.port) + "/stream";
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(url, 6s), on_demand(), quick_timings());
    auto viewer = stream.add_viewer();  // keeps it wanted
    REQUIRE(eventually([&] { return stream.status().fell_back_to_all_frames && live_children(url) == 1; }, 10s, 20ms));
    std::this_thread::sleep_for(1s);  // the all-frames child is connected (its attempt lasts 6 s)
    silent.reset();                   // ... and the outage ends it with an error, not a timeout
    testing::RtspSource server(options);  // the camera is back, with keyframes
    REQUIRE(eventually([&] { return stream.status().frames >= 2; }, 20s, 20ms));
    REQUIRE(eventually([&] { return stream.status().decoding == LiveDecode::keyframes; }, 10s, 20ms));
    auto status = stream.status();
    CHECK_FALSE(status.fell_back_to_all_frames);
    CHECK(status.state == LiveState::running);
}

TEST_CASE("live stream: after a fall-back, keyframes are tried again once keyframes_retry has passed, even "
          "while every frame arrives") {
    testing::RtspOptions options;
    options.intra_refresh = true;  // no keyframe ever: each retry falls back again
    options.gop_seconds = 1000;
    testing::RtspSource server(options);
    IoThread io;
    LiveTimings timings = quick_timings();
    timings.keyframes_retry = 2s;
    LiveStream stream(io.io, "ffmpeg", request_for(server.url(), 6s), on_demand(), timings);
    auto viewer = stream.add_viewer();
    auto first = next_frame(stream, 0, 20s);
    REQUIRE_MESSAGE(first.has_value(), first.error().message);
    REQUIRE(eventually([&] { return stream.status().decoding == LiveDecode::all; }, 20s, 20ms));
    // No outage ends the all-frames child: only the retry brings keyframes back.
    REQUIRE(eventually([&] { return stream.status().decoding == LiveDecode::keyframes; }, 15s, 20ms));
    CHECK_FALSE(stream.status().fell_back_to_all_frames);
    // Still none: it falls back again, and frames keep coming.
    uint64_t before = stream.status().frames;
    REQUIRE(eventually([&] { return stream.status().frames > before; }, 20s, 20ms));
    CHECK(stream.status().fell_back_to_all_frames);
}

TEST_CASE("live stream: a refused connection fails a wait at once with the classified error, not a timeout") {
    int port = testing::free_port();
    std::string url = "rtsp://127.0.0.1:" + std::to_string(port) + "/stream";
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(url), on_demand(), quick_timings());
    auto frame = next_frame(stream, 0, 30s);
    REQUIRE_FALSE(frame.has_value());
    CHECK(frame.error().kind == ErrorKind::source_unreachable);
    CHECK(stream.status().state == LiveState::backoff);
}

TEST_CASE("live stream: once a new child gives a frame after a failure, the old error is gone from status and peek") {
    testing::RtspOptions options;
    options.port = testing::free_port();
    std::string url = "rtsp://127.0.0.1:" + std::to_string(options.port) + "/stream";
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(url), on_demand(), quick_timings());
    auto refused = next_frame(stream, 0, 30s);
    REQUIRE_FALSE(refused.has_value());
    REQUIRE(stream.status().last_error.has_value());
    REQUIRE(stream.peek().last_error.has_value());  // down: readers are told why
    testing::RtspSource server(options);  // the camera comes up on that port
    REQUIRE(eventually([&] { return stream.status().frames > 0; }, 20s, 20ms));
    auto recovered = stream.status();
    CHECK(recovered.state == LiveState::running);
    CHECK_FALSE(recovered.last_error.has_value());
    auto peek = stream.peek();
    REQUIRE(peek.frame);
    CHECK(peek.live);
    CHECK_FALSE(peek.last_error.has_value());
}

TEST_CASE("live stream: destroying a stream fails its waits as cancelled and leaves no ffmpeg") {
    testing::SilentTcpServer silent;
    std::string url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/never";
    IoThread io;
    auto promise = std::make_shared<std::promise<FrameResult>>();
    auto future = promise->get_future();
    {
        LiveStream stream(io.io, "ffmpeg", request_for(url, 30s), on_demand(), quick_timings());
        stream.wait_frame(0, 30s, [promise](FrameResult r) { promise->set_value(std::move(r)); });
        REQUIRE(eventually([&] { return live_children(url) == 1; }, 5s, 20ms));
    }
    CHECK(live_children(url) == 0);
    REQUIRE(future.wait_for(5s) == std::future_status::ready);
    auto result = future.get();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::cancelled);
}

TEST_CASE("live stream: close() fails its waits as cancelled at once, refuses later ones, and its ffmpeg is "
          "reaped while the stream still exists") {
    testing::SilentTcpServer silent;
    std::string url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/closing";
    IoThread io;
    int children_before = running_child_processes();
    LiveStream stream(io.io, "ffmpeg", request_for(url, 60s), on_demand(), quick_timings());
    auto promise = std::make_shared<std::promise<FrameResult>>();
    auto future = promise->get_future();
    stream.wait_frame(0, 60s, [promise](FrameResult r) { promise->set_value(std::move(r)); });
    REQUIRE(eventually([&] { return live_children(url) == 1; }, 5s, 20ms));
    stream.close();
    // Long before the wait's own 60 s: cancelled by the close.
    REQUIRE(future.wait_for(5s) == std::future_status::ready);
    auto result = future.get();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::cancelled);
    auto later = next_frame(stream, 0, 30s);
    REQUIRE_FALSE(later.has_value());
    CHECK(later.error().kind == ErrorKind::cancelled);
    // Reaped by the io thread, not by the destructor: the stream is still alive here.
    CHECK(eventually([&] { return live_children(url) == 0 && running_child_processes() == children_before; }, 5s, 20ms));
    stream.touch();  // a closed stream starts nothing
    std::this_thread::sleep_for(200ms);
    CHECK(live_children(url) == 0);
}

TEST_CASE("live stream: a child that closed its pipes but lingers is sent SIGTERM before SIGKILL") {
    testing::ScratchDir dir;
    auto marker = dir.path() / "got-sigterm";
    // A fake ffmpeg (this fault cannot be made with a real one): closes stdout and stderr, then
    // lingers until a signal; SIGTERM leaves a mark, SIGKILL cannot.
    auto fake = testing::write_script(dir.path() / "lingering-ffmpeg",
                                      "trap 'touch " + marker.string() + "; exit 0' TERM\n"
                                      "exec >/dev/null 2>/dev/null\n"
                                      "while :; do sleep 0.05; done");
    IoThread io;
    LiveStream stream(io.io, fake.string(), request_for("rtsp://127.0.0.1:9/lingering", 30s), on_demand(), quick_timings());
    stream.touch();
    CHECK(eventually([&] { return std::filesystem::exists(marker); }, 10s, 20ms));
}

TEST_CASE("live stream: stopping a stream whose child ignores SIGTERM does not hold up another stream's frames "
          "on the shared io thread, and its child is still killed and reaped") {
    testing::ScratchDir dir;
    auto started = dir.path() / "started";
    // A fake ffmpeg (a camera's ffmpeg that hangs on SIGTERM cannot be made on demand): ignores
    // SIGTERM and keeps writing to its pipe, so its stream's handlers keep running on the io thread.
    auto stubborn = testing::write_script(dir.path() / "stubborn-ffmpeg",
                                          "trap '' TERM\n"
                                          "echo $$ > " + started.string() + "\n"
                                          "while :; do echo not-a-jpeg; sleep 0.02; done");
    testing::MjpegSource server;
    IoThread io;
    int children_before = running_child_processes();
    LiveTimings long_grace = quick_timings();
    long_grace.stop_grace = 5s;  // the stop below lasts this long: the child ignores SIGTERM
    LiveStream hanging(io.io, stubborn.string(), request_for("rtsp://127.0.0.1:9/stubborn", 30s), on_demand(),
                       long_grace);
    LiveStream other(io.io, "ffmpeg", request_for(server.url()), on_demand(), quick_timings());
    hanging.touch();
    pid_t stubborn_pid = 0;  // the script writes its pid, then a newline
    REQUIRE(eventually([&] {
        std::ifstream in(started);
        std::string line;
        if (std::getline(in, line) && !in.eof()) stubborn_pid = std::stoi(line);
        return stubborn_pid > 0;
    }, 10s));
    auto first = next_frame(other, 0, 15s);
    REQUIRE_MESSAGE(first.has_value(), first.error().message);

    std::atomic<bool> stop_returned{false};
    std::jthread stopper([&] {
        hanging.stop();
        stop_returned = true;
    });
    // Well inside the grace: the stop is waiting for the stubborn child by now.
    std::this_thread::sleep_for(300ms);
    REQUIRE_FALSE(stop_returned.load());
    auto during = next_frame(other, other.newest()->sequence, 15s);
    REQUIRE_MESSAGE(during.has_value(), during.error().message);
    // The other stream's frame came while the stop still waited, not after it let the io thread go.
    CHECK_FALSE(stop_returned.load());
    stopper.join();
    // Killed and reaped by the stop: no zombie is left (kill would find one), and it left the count.
    errno = 0;
    CHECK(::kill(stubborn_pid, 0) == -1);
    CHECK(errno == ESRCH);
    // The other stream's ffmpeg is left (waited for: it may be between a restart's two children).
    CHECK(eventually([&] { return running_child_processes() == children_before + 1; }, 10s, 20ms));
}

TEST_CASE("live stream: a stream destroyed after its io thread stopped still leaves no ffmpeg") {
    testing::SilentTcpServer silent;
    std::string url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/stopped";
    auto io = std::make_unique<IoThread>();
    int children_before = running_child_processes();
    auto stream = std::make_unique<LiveStream>(io->io, "ffmpeg", request_for(url, 30s), on_demand(), quick_timings());
    stream->touch();
    REQUIRE(eventually([&] { return live_children(url) == 1; }, 5s, 20ms));
    pid_t pid = processes_with_arg("-i " + url + " ").at(0);
    io->io.stop();
    io->thread.join();  // PR_SET_PDEATHSIG kills the child now, but only a wait4 reaps it
    stream.reset();
    CHECK(live_children(url) == 0);
    // Reaped by the destructor itself: no zombie is left, and the running count is back.
    errno = 0;
    CHECK(::kill(pid, 0) == -1);
    CHECK(errno == ESRCH);
    CHECK(running_child_processes() == children_before);
    io.reset();
}

}  // namespace ptzgrab

namespace ptzgrab {

TEST_CASE("live stream: a wait on a source that never answers ends with timeout when its time runs out") {
    testing::SilentTcpServer silent;
    std::string url = "rtsp://127.0.0.1:" + std::to_string(silent.port()) + "/mute";
    IoThread io;
    LiveStream stream(io.io, "ffmpeg", request_for(url, 30s), on_demand(), quick_timings());
    auto frame = next_frame(stream, 0, 400ms);
    REQUIRE_FALSE(frame.has_value());
    CHECK(frame.error().kind == ErrorKind::timeout);
    CHECK(stream.status().state == LiveState::starting);  // still trying: only the wait gave up
}

}  // namespace ptzgrab
