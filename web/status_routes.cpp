// /stream/cache, /stream/cache/clear, /stream/info, /metrics and /stream/view: what the server holds and knows.
#include <boost/json.hpp>

#include "core/url.hpp"
#include "page_policy.hpp"
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

std::string_view url_of(const ServerContext& ctx, const std::string& name) {
    const SourceConfig* source = ctx.cache.find(name);
    return source ? std::string_view(source->grab.url) : std::string_view{};
}

json::object source_json(const SourceConfig& s) {
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
    };
}

// The HLS URL goes to the browser as it is, so only a bare one (no userinfo, query or
// parameters: is_bare_url) leaves the server. A source that is itself an HLS stream plays
// live without an hls_url of its own.
ViewSource view_source(const SourceConfig& s) {
    bool source_is_hls = classify_source(s.grab.url) == SourceKind::hls;
    ViewSource v{s.name, mask_credentials(s.grab.url), s.hls_url.empty() && source_is_hls ? s.grab.url : s.hls_url, {}};
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
        });
    }
    reply(json_response(http::status::ok, json::object{{"sources", std::move(sources)}}));
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
    for (const SourceConfig& s : ctx.cache.sources()) sources.push_back(source_json(s));
    std::filesystem::path in_use = ctx.frames_directory ? ctx.frames_directory() : std::filesystem::path{};
    json::object info{
        {"ptzgrab_version", PTZGRAB_VERSION},
        {"opencv_version", opencv_version()},
        {"ffmpeg", {{"available", ctx.ffmpeg.usable}, {"path", ctx.ffmpeg.path}, {"version", ctx.ffmpeg.version},
                    {"problem", ctx.ffmpeg.problem}}},
        {"sources", std::move(sources)},
        {"latest_frames", {{"preferred_dir", ctx.static_dir.string()}, {"dir", in_use.string()},
                           {"fallback", !in_use.empty() && in_use != ctx.static_dir}}},
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
    const SourceConfig* selected = pick_source(ctx, target);
    if (!selected) return reply(text_response(http::status::bad_request, "unknown source"));
    ViewPageModel model;
    for (const SourceConfig& s : ctx.cache.sources()) model.sources.push_back(view_source(s));
    model.selected = selected->name;
    std::string hls_url = view_source(*selected).hls_url;  // the one URL the page loads from elsewhere
    auto res = make_response(http::status::ok, "text/html; charset=utf-8", body_from(render_view_page(model)));
    res.set(http::field::cache_control, "no-store");
    res.set("Content-Security-Policy", view_page_content_security_policy(hls_url));
    reply(std::move(res));
}

}  // namespace ptzgrab::web
