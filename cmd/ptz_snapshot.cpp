#include "ptz_snapshot.hpp"

#include <iostream>

#include "core/ffmpeg_locator.hpp"
#include "core/grabber.hpp"
#include "core/output_path.hpp"
#include "core/url.hpp"
#include "core/url_userinfo.hpp"
#include "exit_codes.hpp"
#include "signal_stop.hpp"
#include "snapshot_steps.hpp"
#include "web/ptz_not_settled.hpp"

namespace ptzgrab::cli {
namespace {

using namespace std::chrono;

milliseconds millis_of(double seconds) { return duration_cast<milliseconds>(duration<double>(seconds)); }

// --url, else the config source's stream, else the camera's own (its RTSP login is the ONVIF one).
Result<std::string> stream_url(ptz::PtzClient& client, const PtzOptions& o, const PtzTarget& target) {
    if (!o.shot.url.empty()) return o.shot.url;
    if (!target.stream_url.empty()) return target.stream_url;
    auto uri = client.stream_uri();
    if (!uri) return std::unexpected(uri.error());
    if (classify_source(*uri) != SourceKind::rtsp) return *uri;
    return with_credentials(*uri, {target.camera.user, target.camera.password});
}

}  // namespace

int prepare_shot(const PtzOptions& o, std::string& output) {
    auto expanded = expand_output_pattern(o.snapshot, system_clock::now(), o.shot.utc);
    if (!expanded) {
        std::cerr << "ptzgrab: --snapshot: " << expanded.error().message << "\n";
        return exit_usage;
    }
    if (*expanded == "-") {
        std::cerr << "ptzgrab: --snapshot needs a file name (stdout carries the report)\n";
        return exit_usage;
    }
    if (auto ok = check_writable(*expanded); !ok) {
        std::cerr << "ptzgrab: " << ok.error().message << " (" << ok.error().detail << ")\n";
        return exit_output_unwritable;
    }
    output = *expanded;
    return exit_ok;
}

int settle_and_grab(ptz::PtzClient& client, const PtzOptions& o, const PtzTarget& target, const std::string& output,
                    ActionReport& report) {
    auto settled = client.wait_until_settled();
    if (!settled) return print_ptz_error(settled.error(), target.camera);
    // A frame grabbed while the camera still moves would be passed off as the new view: no file, exit 4.
    if (!settled->settled) return print_ptz_error(web::not_settled_error(*settled, millis_of(o.settle_timeout_s)), target.camera);
    auto settled_at = steady_clock::now();  // the grab below starts after this moment
    report.settled = *settled;
    auto url = stream_url(client, o, target);
    if (!url) return print_ptz_error(url.error(), target.camera);
    SnapshotOptions shot = o.shot;
    shot.url = *url;
    shot.output = output;
    GrabRequest request = make_request(shot);
    auto runner = make_process_runner();
    Grabber grabber(*runner, locate_ffmpeg(*runner, shot.ffmpeg, FfmpegCheck::exists_only));
    SignalStop signals;
    auto frame = grabber.grab(request, signals.token());
    if (int sig = signals.signal_received()) {
        std::cerr << "ptzgrab: stopped by signal " << sig << "\n";
        return 128 + sig;
    }
    if (!frame) return report_failure(shot, request, scrubbed(frame.error(), target.camera), output);
    auto jpeg = render_jpeg(*frame, make_render(shot));
    if (!jpeg) return report_failure(shot, request, scrubbed(jpeg.error(), target.camera), output);
    if (int rc = write_output(output, *jpeg); rc != exit_ok) return rc;
    report.shot = ShotWritten{output, frame->width, frame->height, jpeg->size(), mask_credentials(request.url),
                              duration<double>(steady_clock::now() - settled_at).count()};
    return exit_ok;
}

}  // namespace ptzgrab::cli
