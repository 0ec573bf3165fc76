#include "snapshot_series.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

#include "core/grabber.hpp"
#include "core/live_stream.hpp"
#include "core/output_path.hpp"
#include "core/url.hpp"
#include "exit_codes.hpp"
#include "signal_stop.hpp"
#include "snapshot_steps.hpp"

namespace ptzgrab::cli {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// Where the series' pictures come from. Called on the series' thread only.
class PictureSupply {
public:
    virtual ~PictureSupply() = default;
    /// The next picture, newer than the one before; waits at most the request's timeout.
    virtual Result<Frame> next(std::stop_token stop) = 0;
};

// A network source: one ffmpeg held open; each picture is a frame newer than the last one written.
class HeldStreamSupply final : public PictureSupply {
public:
    HeldStreamSupply(const std::string& ffmpeg, const GrabRequest& request) : timeout_(request.timeout) {
        LiveOptions options;
        options.mode = LiveMode::always;
        stream_ = std::make_unique<LiveStream>(io_, ffmpeg, request, options);
        stream_->start();
        io_thread_ = std::thread([this] { io_.run(); });
    }
    // The stream stops and reaps its ffmpeg while its io thread still runs; then the thread ends.
    ~HeldStreamSupply() override {
        stream_.reset();
        work_.reset();
        io_.stop();
        io_thread_.join();
    }

    Result<Frame> next(std::stop_token stop) override {
        auto promise = std::make_shared<std::promise<Result<std::shared_ptr<const LiveFrame>>>>();
        auto answer = promise->get_future();
        stream_->wait_frame(last_sequence_, timeout_, [promise](Result<std::shared_ptr<const LiveFrame>> frame) {
            promise->set_value(std::move(frame));
        });
        // The stream answers within the timeout; a signal need not wait for it.
        while (answer.wait_for(50ms) != std::future_status::ready)
            if (stop.stop_requested()) return make_error(ErrorKind::cancelled, "stopped");
        auto frame = answer.get();
        if (!frame) return std::unexpected(frame.error());
        last_sequence_ = (*frame)->sequence;
        return decode_frame(*(*frame)->jpeg, (*frame)->arrived_wall);
    }

private:
    milliseconds timeout_;
    uint64_t last_sequence_ = 0;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    std::unique_ptr<LiveStream> stream_;
    std::thread io_thread_;
};

// A file or lavfi pattern: nothing to hold open, a one-shot grab per picture.
class OneShotSupply final : public PictureSupply {
public:
    OneShotSupply(std::unique_ptr<ProcessRunner> runner, FfmpegInfo ffmpeg, GrabRequest request)
        : runner_(std::move(runner)), grabber_(*runner_, std::move(ffmpeg)), request_(std::move(request)) {}
    Result<Frame> next(std::stop_token stop) override { return grabber_.grab(request_, stop); }

private:
    std::unique_ptr<ProcessRunner> runner_;
    Grabber grabber_;
    GrabRequest request_;
};

// Sleeps until `when`; false when a signal came first.
bool wait_until(steady_clock::time_point when, std::stop_token stop) {
    while (!stop.stop_requested()) {
        auto left = when - steady_clock::now();
        if (left <= 0s) return true;
        std::this_thread::sleep_for(std::min<steady_clock::duration>(left, 50ms));
    }
    return false;
}

// One picture of the series: rendered, written under its expanded name, reported. An exit code.
int write_picture(const SnapshotOptions& o, const GrabRequest& request, Result<Frame> frame) {
    auto path = expand_output_pattern(o.output, system_clock::now(), o.utc);
    if (!path) {
        std::cerr << "ptzgrab: " << path.error().message << "\n";
        return exit_usage;
    }
    if (!frame) return report_failure(o, request, frame.error(), *path);
    auto jpeg = render_jpeg(*frame, make_render(o));
    if (!jpeg) return report_failure(o, request, jpeg.error(), *path);
    if (auto ok = check_writable(*path); !ok) {
        std::cerr << "ptzgrab: " << ok.error().message << " (" << ok.error().detail << ")\n";
        return exit_output_unwritable;
    }
    if (int rc = write_output(*path, *jpeg); rc != exit_ok) return rc;
    if (!o.quiet) {
        auto age = duration_cast<milliseconds>(system_clock::now() - frame->grabbed_at).count();
        auto grabbed_ms = duration_cast<milliseconds>(frame->grabbed_at.time_since_epoch()).count();
        std::printf("%s: %dx%d, %zu bytes, from %s, grabbed at %lld ms since 1970 (%lld ms ago)\n", path->c_str(),
                    frame->width, frame->height, jpeg->size(), mask_credentials(request.url).c_str(),
                    static_cast<long long>(grabbed_ms), static_cast<long long>(age));
        std::fflush(stdout);
    }
    return exit_ok;
}

}  // namespace

int run_snapshot_series(const SnapshotOptions& o) {
    if (o.output == "-") {
        std::cerr << "ptzgrab: --every writes files: give -o a name, with strftime patterns for a series\n";
        return exit_usage;
    }
    GrabRequest request = make_request(o);
    auto runner = make_process_runner();
    FfmpegInfo ffmpeg = locate_ffmpeg(*runner, o.ffmpeg, FfmpegCheck::exists_only);
    if (!ffmpeg.usable) return report_failure(o, request, Error{ErrorKind::ffmpeg_missing, ffmpeg.problem, {}}, o.output);
    SignalStop signals;
    std::unique_ptr<PictureSupply> supply;
    if (is_network(classify_source(request.url)))
        supply = std::make_unique<HeldStreamSupply>(ffmpeg.path, request);
    else
        supply = std::make_unique<OneShotSupply>(std::move(runner), ffmpeg, request);

    auto interval = duration_cast<steady_clock::duration>(duration<double>(o.every_s));
    auto due = steady_clock::now();
    int rc = exit_ok;
    for (int taken = 0; o.count == 0 || taken < o.count; ++taken, due += interval) {
        if (!wait_until(due, signals.token())) break;
        Result<Frame> frame = supply->next(signals.token());
        if (signals.signal_received()) break;
        if (int picture_rc = write_picture(o, request, std::move(frame)); picture_rc != exit_ok) rc = picture_rc;
        // A picture slower than the interval does not make the next ones come in a burst.
        if (steady_clock::now() > due + interval) due = steady_clock::now() - interval;
    }
    return rc;
}

}  // namespace ptzgrab::cli
