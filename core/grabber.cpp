#include "grabber.hpp"

#include <algorithm>
#include <cstdio>

#include "temp_dir.hpp"

namespace ptzgrab {
namespace {

using Clock = std::chrono::system_clock;

/// ffmpeg's last line is cut to this length for messages and cards (after masking).
constexpr size_t max_detail_chars = 300;

bool contains_any(const std::string& text, std::initializer_list<std::string_view> needles) {
    return std::ranges::any_of(needles, [&](std::string_view n) { return text.find(n) != std::string::npos; });
}

std::string seconds_text(std::chrono::milliseconds ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", ms.count() / 1000.0);
    return text;
}

// ffmpeg's words when a short probe saw too little of the stream to know its size.
bool probe_too_short(const ProcessOutcome& outcome) {
    return outcome.exit_code != 0 && !outcome.timed_out &&
           contains_any(outcome.stderr_tail, {"unspecified size", "Could not find codec parameters"});
}

// The runner keeps only the tail of stderr: when it is full, its first line may start inside a
// URL, where no masker can see a password; that line is dropped.
std::string whole_lines(const std::string& stderr_tail) {
    if (stderr_tail.size() < ProcessSpec{}.output_limit_bytes) return stderr_tail;
    size_t newline = stderr_tail.find('\n');
    return newline == std::string::npos ? std::string() : stderr_tail.substr(newline + 1);
}

}  // namespace

std::string last_stderr_line(const std::string& stderr_tail, const std::string& url) {
    // Masked whole before a line is picked or cut: a password may hold a line break, and a cut
    // may split a secret so that no masker knows it any more.
    std::string masked = mask_text(stderr_tail, url);
    size_t end = masked.find_last_not_of(" \r\n\t");
    if (end == std::string::npos) return {};
    size_t begin = masked.find_last_of('\n', end);
    begin = begin == std::string::npos ? 0 : begin + 1;
    std::string line = masked.substr(begin, end + 1 - begin);
    if (line.size() > max_detail_chars) line = line.substr(0, max_detail_chars) + "...";
    return line;
}

Error classify_ffmpeg_failure(const ProcessOutcome& outcome, const GrabRequest& request) {
    std::string where = mask_credentials(request.url);
    std::string detail = last_stderr_line(whole_lines(outcome.stderr_tail), request.url);
    if (outcome.cancelled) return {ErrorKind::cancelled, "grab of " + where + " was cancelled", detail};
    if (outcome.timed_out)
        return {ErrorKind::timeout, "no frame from " + where + " within " + seconds_text(request.timeout), detail};
    const std::string& err = outcome.stderr_tail;
    // ffmpeg could not write its frame into ptzgrab's temp folder: local trouble, not the camera's.
    if (contains_any(err, {"No space left on device", "Disk quota exceeded", "Read-only file system"}))
        return {ErrorKind::io_error, "cannot write the frame for " + where + " into the temp folder", detail};
    // ffmpeg's socket timeout often surfaces as "Invalid data found": judge by the clock.
    bool hit_socket_timeout = is_network(classify_source(request.url)) && outcome.exit_code != 0 &&
                              outcome.elapsed >= socket_timeout(request.timeout) * 9 / 10;
    if (hit_socket_timeout || contains_any(err, {"timed out", "Connection timed out", "Operation timed out"}))
        return {ErrorKind::timeout, "the source " + where + " stopped answering", detail};
    if (contains_any(err, {"Connection refused", "No route to host", "Name or service not known",
                           "Temporary failure in name resolution", "Network is unreachable", "401",
                           "403", "404", "Unauthorized", "Forbidden", "Not Found", "No such file",
                           "Server returned", "Connection reset", "not on whitelist", "Invalid argument"}))
        return {ErrorKind::source_unreachable, "cannot open " + where, detail};
    if (outcome.exit_code != 0)
        return {ErrorKind::no_frame, "ffmpeg could not get a frame from " + where +
                                         " (exit " + std::to_string(outcome.exit_code) + ")", detail};
    return {ErrorKind::no_frame, "ffmpeg produced no frame from " + where, detail};
}

Result<Frame> Grabber::grab(const GrabRequest& request, std::stop_token stop) const {
    auto started = std::chrono::steady_clock::now();
    bool probe_was_short = false;
    auto first = grab_once(request, stop, probe_was_short);
    if (first || !probe_was_short) return first;
    // The stream needed ffmpeg's full probe: once more with it, inside what is left of the deadline.
    GrabRequest full = request;
    full.short_probe = false;
    full.timeout -= std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (full.timeout <= std::chrono::milliseconds(0))
        return make_error(ErrorKind::timeout, "no frame from " + mask_credentials(request.url) + " in time");
    return grab_once(full, stop, probe_was_short);
}

Result<Frame> Grabber::grab_once(const GrabRequest& request, std::stop_token stop, bool& probe_was_short) const {
    if (!ffmpeg_.usable) return make_error(ErrorKind::ffmpeg_missing, ffmpeg_.problem);
    auto temp = TempDir::create();
    if (!temp) return std::unexpected(temp.error());
    std::string output = (temp->path() / "frame.jpg").string();
    auto argv = build_grab_argv(ffmpeg_.path, request, output);
    if (!argv) return std::unexpected(argv.error());
    auto outcome = runner_.run({std::move(*argv), request.timeout + request.warmup}, stop);
    if (!outcome) {
        std::error_code ec;
        bool gone = !std::filesystem::exists(ffmpeg_.path, ec);
        return make_error(gone ? ErrorKind::ffmpeg_missing : ErrorKind::io_error,
                          "cannot run ffmpeg at " + ffmpeg_.path, outcome.error().detail);
    }
    std::error_code ec;
    bool wrote = std::filesystem::file_size(output, ec) > 0 && !ec;
    probe_was_short = request.short_probe && probe_too_short(*outcome);
    if (outcome->timed_out || outcome->cancelled || !wrote)
        return std::unexpected(classify_ffmpeg_failure(*outcome, request));
    auto frame = load_frame(output, Clock::now());
    if (!frame) {
        frame.error().message = "ffmpeg's output for " + mask_credentials(request.url) + " is not a valid image";
        return frame;
    }
    return frame;
}

}  // namespace ptzgrab
