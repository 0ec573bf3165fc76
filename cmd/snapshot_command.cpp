#include "snapshot_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "core/atomic_file.hpp"
#include "core/demo_source.hpp"
#include "core/fallback.hpp"
#include "core/grabber.hpp"
#include "core/output_path.hpp"
#include "exit_codes.hpp"
#include "signal_stop.hpp"
#include "snapshot_series.hpp"
#include "snapshot_steps.hpp"

namespace ptzgrab::cli {

using namespace std::chrono;

GrabRequest make_request(const SnapshotOptions& o) {
    GrabRequest r;
    r.url = o.url.empty() ? std::string(demo_source_url) : o.url;
    r.timeout = duration_cast<milliseconds>(duration<double>(o.timeout_s));
    r.warmup = duration_cast<milliseconds>(duration<double>(o.warmup_s));
    r.rtsp_transport = o.rtsp_transport == "udp" ? RtspTransport::udp : RtspTransport::tcp;
    return r;
}

RenderOptions make_render(const SnapshotOptions& o) {
    RenderOptions r;
    r.width = o.width;
    r.height = o.height;
    r.quality = o.quality;
    r.timestamp = !o.no_timestamp;
    r.timestamp_format = o.timestamp_format;
    r.utc = o.utc;
    return r;
}

Result<void> check_writable(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || ::access(dir.c_str(), W_OK) != 0)
        return make_error(ErrorKind::io_error, "output folder " + dir.string() + " is not writable",
                          ec ? ec.message() : std::strerror(errno));
    return {};
}

int write_output(const std::string& path, std::span<const uint8_t> jpeg) {
    if (path == "-") {
        std::fwrite(jpeg.data(), 1, jpeg.size(), stdout);
        return std::fflush(stdout) == 0 ? exit_ok : exit_output_unwritable;
    }
    if (auto written = write_file_atomically(path, jpeg); !written) {
        std::cerr << "ptzgrab: " << written.error().message << " (" << written.error().detail << ")\n";
        return exit_output_unwritable;
    }
    return exit_ok;
}

int report_failure(const SnapshotOptions& o, const GrabRequest& request, const Error& unmasked,
                   const std::string& output) {
    // The core masks its messages; this guards stderr and the card against one that forgot.
    Error error = masked_error(unmasked, request.url);
    std::cerr << "ptzgrab: " << to_string(error.kind) << ": " << error.message;
    if (!error.detail.empty()) std::cerr << " (" << error.detail << ")";
    std::cerr << "\n";
    if (o.on_error == "image") {
        CardSize size{o.width > 0 ? o.width : 1280, o.height > 0 ? o.height : 720};
        auto card = card_for_error(mask_credentials(request.url), error, system_clock::now(), size);
        if (int rc = write_output(output, card); rc != exit_ok) return rc;
        if (!o.quiet && output != "-") std::cerr << "ptzgrab: wrote a diagnostic image to " << output << "\n";
    }
    return exit_code_for(error.kind);
}


CLI::App* setup_snapshot(CLI::App& app, SnapshotOptions& o) {
    CLI::App* cmd = app.add_subcommand("snapshot", "Grab one frame from a stream and save it as a JPEG");
    cmd->add_option("--url,-u", o.url, "Source: rtsp://, http(s):// (MJPEG, .m3u8 HLS) or a file (default: built-in demo)");
    cmd->add_option("-o,--output", o.output, "Output file, strftime patterns allowed (%Y%m%d-%H%M%S); - for stdout")
        ->capture_default_str();
    cmd->add_option("--timeout", o.timeout_s, "Seconds before the grab is abandoned")
        ->check(CLI::Range(0.1, 3600.0))->capture_default_str();
    cmd->add_option("--warmup", o.warmup_s, "Skip the first S seconds of the stream (dark frames after wake-up)")
        ->check(CLI::Range(0.0, 60.0));
    cmd->add_option("--quality", o.quality, "JPEG quality 1-100")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--width", o.width, "Resize to this width (alone: keeps aspect ratio)")->check(CLI::Range(min_frame_side_px, max_render_side_px));
    cmd->add_option("--height", o.height, "Resize to this height (alone: keeps aspect ratio)")->check(CLI::Range(min_frame_side_px, max_render_side_px));
    cmd->add_flag("--no-timestamp", o.no_timestamp, "Do not stamp the date and time on the frame");
    cmd->add_option("--timestamp-format", o.timestamp_format, "strftime format of the stamp")->capture_default_str();
    cmd->add_flag("--utc", o.utc, "Stamp UTC instead of local time");
    cmd->add_option("--rtsp-transport", o.rtsp_transport, "RTSP transport")
        ->check(CLI::IsMember({"tcp", "udp"}))->capture_default_str();
    cmd->add_option("--ffmpeg", o.ffmpeg, "Path to ffmpeg (default: $PTZGRAB_FFMPEG, then PATH)");
    cmd->add_option("--on-error", o.on_error, "fail: exit non-zero; image: also write a diagnostic JPEG")
        ->check(CLI::IsMember({"fail", "image"}))->capture_default_str();
    cmd->add_flag("-q,--quiet", o.quiet, "No report line on success");
    cmd->add_option("--every", o.every_s,
                    "Keep going: a frame every S seconds from one stream held open (timelapse without cron)")
        ->check(CLI::Range(0.05, 86400.0));
    cmd->add_option("--count", o.count, "With --every: stop after N frames (default: until SIGINT/SIGTERM)")
        ->check(CLI::Range(1, 100'000'000));
    return cmd;
}

int run_snapshot(const SnapshotOptions& o) {
    if (o.every_s > 0) return run_snapshot_series(o);
    if (o.count > 0) {
        std::cerr << "ptzgrab: --count needs --every\n";
        return exit_usage;
    }
    GrabRequest request = make_request(o);
    auto output = expand_output_pattern(o.output, system_clock::now(), o.utc);
    if (!output) {
        std::cerr << "ptzgrab: " << output.error().message << "\n";
        return exit_usage;
    }
    if (*output != "-") {
        if (auto ok = check_writable(*output); !ok) {
            std::cerr << "ptzgrab: " << ok.error().message << " (" << ok.error().detail << ")\n";
            return exit_output_unwritable;
        }
    }
    auto runner = make_process_runner();
    Grabber grabber(*runner, locate_ffmpeg(*runner, o.ffmpeg, FfmpegCheck::exists_only));
    auto started = steady_clock::now();
    SignalStop signals;
    auto frame = grabber.grab(request, signals.token());
    if (int sig = signals.signal_received()) {
        std::cerr << "ptzgrab: stopped by signal " << sig << "\n";
        return 128 + sig;
    }
    if (!frame) return report_failure(o, request, frame.error(), *output);
    auto jpeg = render_jpeg(*frame, make_render(o));
    if (!jpeg) return report_failure(o, request, jpeg.error(), *output);
    if (int rc = write_output(*output, *jpeg); rc != exit_ok) return rc;
    if (!o.quiet && *output != "-") {
        double seconds = duration<double>(steady_clock::now() - started).count();
        std::printf("%s: %dx%d, %zu bytes, from %s in %.2f s\n", output->c_str(), frame->width, frame->height,
                    jpeg->size(), mask_credentials(request.url).c_str(), seconds);
    }
    return exit_ok;
}

}  // namespace ptzgrab::cli
