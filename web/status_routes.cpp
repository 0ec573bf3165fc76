// /stream/cache, /stream/cache/clear, /stream/info, /metrics and /stream/view: what the server holds and knows.
#include <boost/json.hpp>
#include <map>

#include "core/url.hpp"
#include "page_policy.hpp"
#include "ptz_cameras.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "view_page.hpp"

namespace ptzgrab::web {
namespace {

namespace json = boost::json;
using std::chrono::duration;

json::value error_json(const std::optional<Error>& error, std::string_view source_url) {
    if (!error) return nullptr;
    // Messages are masked by the core already; masking again, against the source, guards the page.
    Error shown = masked_error(*error, source_url);
    return json::object{{"kind", to_string(shown.kind)}, {"message", shown.message}, {"detail", shown.detail}};
}

json::value optional_ms(const std::optional<std::chrono::milliseconds>& ms) {
    return ms ? json::value(ms->count()) : json::value(nullptr);
}

// A live source's stream: its mode and state, what it has received, and what it costs.
json::value live_json(const std::optional<LiveStatus>& live, std::string_view source_url) {
    if (!live) return nullptr;
    json::array tail;
    for (const std::string& line : live->stderr_tail) tail.push_back(json::string(mask_text(line)));
    return json::object{
        {"mode", to_string(live->mode)},
        {"state", to_string(live->state)},
        {"decoding", to_string(live->decoding)},
        {"fell_back_to_all_frames", live->fell_back_to_all_frames},
        {"frames", live->frames},
        {"restarts", live->restarts},
        {"last_frame_age_ms", optional_ms(live->last_frame_age)},
        {"keyframe_interval_ms", optional_ms(live->keyframe_interval)},
        {"viewers", live->viewers},
        {"child_cpu_seconds", live->child_cpu_seconds},
        {"last_error", error_json(live->last_error, source_url)},
        {"stderr_tail", std::move(tail)},
    };
}

std::string url_of(const ServerContext& ctx, const std::string& name) {
    auto source = ctx.cache.find(name);
    return source ? source->grab.url : std::string{};
}

json::object live_options_json(const LiveOptions& live) {
    return json::object{{"mode", to_string(live.mode)}, {"idle_s", live.idle.count()},
                        {"decode", to_string(live.decode)}, {"fps", live.fps}};
}

json::object source_json(const SourceConfig& s, const std::optional<LiveStatus>& status, bool ptz) {
    return json::object{
        {"name", s.name},
        {"url", mask_credentials(s.grab.url)},
        {"kind", to_string(classify_source(s.grab.url))},
        {"max_age_ms", s.max_age.count()},
        {"timeout_ms", s.grab.timeout.count()},
        {"rtsp_transport", s.grab.rtsp_transport == RtspTransport::udp ? "udp" : "tcp"},
        {"hls_url", mask_credentials(s.hls_url)},
        {"width", s.render.width},
        {"height", s.render.height},
        {"quality", s.render.quality},
        {"live_options", live_options_json(s.live)},
        {"live", live_json(status, s.grab.url)},
        {"ptz", ptz},  // the page shows camera controls (/ptz/...)
    };
}

// The HLS URL goes to the browser as it is, so only a bare one (no userinfo, query or
// parameters: is_bare_url) leaves the server. A source that is itself an HLS stream plays
// live without an hls_url of its own.
// A live source (its live mode is not off) without HLS shows the MJPEG restream.
ViewSource view_source(const SourceConfig& s, bool live) {
    bool source_is_hls = classify_source(s.grab.url) == SourceKind::hls;
    ViewSource v{s.name, mask_credentials(s.grab.url), s.hls_url.empty() && source_is_hls ? s.grab.url : s.hls_url, {},
                 live};
    if (v.hls_url.empty()) {
        v.hls_note = "No live stream configured for this source (set hls_url in the config file).";
    } else if (!is_bare_url(v.hls_url)) {
        v.hls_url.clear();
        v.hls_note = "The live stream's URL has a user, a query or parameters that may hold credentials, "
                     "so it is not sent to the browser.";
    }
    return v;
}

}  // namespace

void serve_cache(ServerContext& ctx, const Reply& reply) {
    json::array sources;
    for (const CacheStats& s : ctx.cache.stats()) {
        sources.push_back(json::object{
            {"name", s.name},
            {"has_frame", s.has_frame},
            {"age_ms", s.has_frame ? json::value(s.age.count()) : json::value(nullptr)},
            {"max_age_ms", s.max_age.count()},
            {"hits", s.hits},
            {"misses", s.misses},
            {"grabs", s.grabs},
            {"failures", s.failures},
            {"last_error", error_json(s.last_error, url_of(ctx, s.name))},
            {"bytes_held", s.bytes_held},
            {"evictions", s.evictions},
            {"grab_in_flight", s.grab_in_flight},
            {"live", live_json(s.live, url_of(ctx, s.name))},
            {"mjpeg_viewers", ctx.viewers.watching(s.name)},
        });
    }
    reply(json_response(http::status::ok, json::object{{"sources", std::move(sources)}, {"mjpeg_viewers", ctx.viewers.watching()}}));
}

void serve_cache_clear(ServerContext& ctx, const Target& target, const Reply& reply) {
    std::string name;
    if (const std::string* s = target.find("source")) {
        if (!ctx.cache.find(*s)) return reply(text_response(http::status::bad_request, "unknown source: " + mask_text(*s).substr(0, 100)));
        name = *s;
    }
    json::array cleared;
    for (const std::string& dropped : ctx.cache.clear(name)) cleared.push_back(json::string(dropped));
    reply(json_response(http::status::ok, json::object{{"cleared", std::move(cleared)}}));
}

void serve_info(ServerContext& ctx, const Reply& reply) {
    json::array sources;
    std::map<std::string, std::optional<LiveStatus>> live;
    for (CacheStats& s : ctx.cache.stats()) live[s.name] = std::move(s.live);
    for (const SourceConfig& s : *ctx.cache.sources()) sources.push_back(source_json(s, live[s.name], ctx.ptz && ctx.ptz->has(s.name)));
    std::filesystem::path in_use = ctx.frames_directory ? ctx.frames_directory() : std::filesystem::path{};
    json::object info{
        {"ptzgrab_version", PTZGRAB_VERSION},
        {"opencv_version", opencv_version()},
        {"ffmpeg", {{"available", ctx.ffmpeg.usable}, {"path", ctx.ffmpeg.path}, {"version", ctx.ffmpeg.version},
                    {"problem", ctx.ffmpeg.problem}}},
        {"sources", std::move(sources)},
        {"latest_frames", {{"preferred_dir", ctx.static_dir.string()}, {"dir", in_use.string()},
                           {"fallback", !in_use.empty() && in_use != ctx.static_dir}}},
        {"mjpeg", {{"viewers", ctx.viewers.watching()}, {"max_viewers", ctx.viewers.caps().total},
                   {"max_viewers_per_source", ctx.viewers.caps().per_source}}},
        {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - ctx.started).count()},
    };
    reply(json_response(http::status::ok, info));
}

void serve_metrics(ServerContext& ctx, const Reply& reply) {
    std::string text = ctx.metrics.render(ctx.cache.stats(), ctx.running_ffmpeg(),
                                          std::chrono::steady_clock::now() - ctx.started);
    auto res = make_response(http::status::ok, "text/plain; version=0.0.4; charset=utf-8", body_from(std::move(text)));
    res.set(http::field::cache_control, "no-store");
    reply(std::move(res));
}

void serve_view(ServerContext& ctx, const Target& target, const Reply& reply) {
    auto selected = pick_source(ctx, target);
    if (!selected) return reply(text_response(http::status::bad_request, "unknown source"));
    ViewPageModel model;
    for (const SourceConfig& s : *ctx.cache.sources()) {
        model.sources.push_back(view_source(s, s.live.mode != LiveMode::off));
        model.sources.back().ptz = ctx.ptz && ctx.ptz->has(s.name);
    }
    model.selected = selected->name;
    std::string hls_url = view_source(*selected, false).hls_url;  // the one URL the page loads from elsewhere
    auto res = make_response(http::status::ok, "text/html; charset=utf-8", body_from(render_view_page(model)));
    res.set(http::field::cache_control, "no-store");
    res.set("Content-Security-Policy", view_page_content_security_policy(hls_url));
    reply(std::move(res));
}

}  // namespace ptzgrab::web
