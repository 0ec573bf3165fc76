#include "metrics.hpp"

#include <cstdio>

namespace ptzgrab::web {
namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

// Prometheus label values escape backslash, quote and newline.
std::string label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void render_cache(std::string& out, const std::vector<CacheStats>& cache) {
    header(out, "ptzgrab_cache_hits_total", "counter", "Requests answered from a held frame.");
    for (const auto& s : cache)
        out += "ptzgrab_cache_hits_total{source=\"" + label(s.name) + "\"} " + std::to_string(s.hits) + "\n";
    header(out, "ptzgrab_cache_misses_total", "counter", "Requests that started or joined a grab.");
    for (const auto& s : cache)
        out += "ptzgrab_cache_misses_total{source=\"" + label(s.name) + "\"} " + std::to_string(s.misses) + "\n";
}

// One line per live source: `value` of its status, after the metric's HELP and TYPE.
template <class Value>
void per_live_source(std::string& out, const std::vector<CacheStats>& cache, const char* name, const char* type,
                     const char* help, Value value) {
    header(out, name, type, help);
    for (const auto& s : cache)
        if (s.live) out += std::string(name) + "{source=\"" + label(s.name) + "\"} " + value(*s.live) + "\n";
}

std::string seconds_of(const std::optional<std::chrono::milliseconds>& ms) {
    return ms ? number(std::chrono::duration<double>(*ms).count()) : "NaN";
}

// Live sources: the state as an enum (one line per state, the current one 1), then the counters.
void render_live(std::string& out, const std::vector<CacheStats>& cache) {
    header(out, "ptzgrab_live_state", "gauge", "The live stream's state (1 for the current one), with its mode.");
    for (const auto& s : cache) {
        if (!s.live) continue;
        for (LiveState state : {LiveState::idle, LiveState::starting, LiveState::running, LiveState::backoff})
            out += "ptzgrab_live_state{source=\"" + label(s.name) + "\",mode=\"" + std::string(to_string(s.live->mode)) +
                   "\",state=\"" + std::string(to_string(state)) + "\"} " + (s.live->state == state ? "1" : "0") + "\n";
    }
    per_live_source(out, cache, "ptzgrab_live_frames_total", "counter", "Frames received from the live stream.",
                    [](const LiveStatus& l) { return std::to_string(l.frames); });
    per_live_source(out, cache, "ptzgrab_live_restarts_total", "counter", "Restarts of the live ffmpeg.",
                    [](const LiveStatus& l) { return std::to_string(l.restarts); });
    per_live_source(out, cache, "ptzgrab_live_last_frame_age_seconds", "gauge",
                    "Age of the newest live frame (NaN before the first).",
                    [](const LiveStatus& l) { return seconds_of(l.last_frame_age); });
    per_live_source(out, cache, "ptzgrab_live_keyframe_interval_seconds", "gauge",
                    "Observed time between keyframes (NaN until seen).",
                    [](const LiveStatus& l) { return seconds_of(l.keyframe_interval); });
    per_live_source(out, cache, "ptzgrab_live_viewers", "gauge", "MJPEG viewers watching the live stream.",
                    [](const LiveStatus& l) { return std::to_string(l.viewers); });
    per_live_source(out, cache, "ptzgrab_live_child_cpu_seconds_total", "counter",
                    "CPU seconds (user+system) of the live ffmpeg children.",
                    [](const LiveStatus& l) { return number(l.child_cpu_seconds); });
    per_live_source(out, cache, "ptzgrab_live_all_frames_fallback", "gauge",
                    "1 when keyframe-only decoding gave nothing and the stream fell back to all frames.",
                    [](const LiveStatus& l) { return std::string(l.fell_back_to_all_frames ? "1" : "0"); });
}

}  // namespace

void Metrics::record_request(unsigned status) {
    std::lock_guard lock(mutex_);
    ++requests_by_status_[status];
}

void Metrics::record_grab(std::chrono::duration<double> elapsed, const Error* failure) {
    std::lock_guard lock(mutex_);
    ++grabs_;
    grab_seconds_sum_ += elapsed.count();
    for (size_t i = 0; i < grab_seconds_buckets.size(); ++i)
        if (elapsed.count() <= grab_seconds_buckets[i]) ++grab_bucket_counts_[i];
    if (failure) ++failures_by_kind_[std::string(to_string(failure->kind))];
}

std::string Metrics::render(const std::vector<CacheStats>& cache, int ffmpeg_running,
                            std::chrono::duration<double> uptime) const {
    std::lock_guard lock(mutex_);
    std::string out;
    header(out, "ptzgrab_http_requests_total", "counter", "HTTP requests answered, by status.");
    for (const auto& [status, count] : requests_by_status_)
        out += "ptzgrab_http_requests_total{code=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
    header(out, "ptzgrab_grabs_total", "counter", "ffmpeg grabs run.");
    out += "ptzgrab_grabs_total " + std::to_string(grabs_) + "\n";
    header(out, "ptzgrab_grab_seconds", "histogram", "How long grabs took.");
    for (size_t i = 0; i < grab_seconds_buckets.size(); ++i)
        out += "ptzgrab_grab_seconds_bucket{le=\"" + number(grab_seconds_buckets[i]) + "\"} " +
               std::to_string(grab_bucket_counts_[i]) + "\n";
    out += "ptzgrab_grab_seconds_bucket{le=\"+Inf\"} " + std::to_string(grabs_) + "\n";
    out += "ptzgrab_grab_seconds_sum " + number(grab_seconds_sum_) + "\n";
    out += "ptzgrab_grab_seconds_count " + std::to_string(grabs_) + "\n";
    header(out, "ptzgrab_grab_failures_total", "counter", "Failed grabs, by error kind.");
    for (const auto& [kind, count] : failures_by_kind_)
        out += "ptzgrab_grab_failures_total{kind=\"" + label(kind) + "\"} " + std::to_string(count) + "\n";
    render_cache(out, cache);
    render_live(out, cache);
    header(out, "ptzgrab_ffmpeg_processes_running", "gauge", "ffmpeg children running now.");
    out += "ptzgrab_ffmpeg_processes_running " + std::to_string(ffmpeg_running) + "\n";
    header(out, "ptzgrab_uptime_seconds", "gauge", "Seconds since the server started.");
    out += "ptzgrab_uptime_seconds " + number(uptime.count()) + "\n";
    return out;
}

FrameCache::GrabFunction instrument(FrameCache::GrabFunction grab, Metrics& metrics) {
    return [grab = std::move(grab), &metrics](const GrabRequest& request, std::stop_token stop) {
        auto started = std::chrono::steady_clock::now();
        Result<Frame> frame = grab(request, stop);
        metrics.record_grab(std::chrono::steady_clock::now() - started, frame ? nullptr : &frame.error());
        return frame;
    };
}

}  // namespace ptzgrab::web
