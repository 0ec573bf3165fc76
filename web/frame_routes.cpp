// /stream/snapshot, /latest.jpg and /latest/NAME.jpg: pictures from the cache, or a card saying why not.
#include "core/fallback.hpp"
#include "core/url.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "snapshot_params.hpp"

namespace ptzgrab::web {
namespace {

constexpr CardSize default_card{};

// The card is as large as the picture asked for, so a page's layout does not jump.
CardSize card_size(const RenderOptions& render) {
    if (render.width > 0 && render.height > 0) return {render.width, render.height};
    if (render.width > 0) return {render.width, std::max(min_frame_side_px, render.width * 9 / 16)};
    if (render.height > 0) return {std::max(min_frame_side_px, render.height * 16 / 9), render.height};
    return default_card;
}

// One drawing per error, size and second (the card shows the time to the second), off the io threads.
std::string card_key(const std::string& masked_url, const Error& error, CardSize size,
                     std::chrono::system_clock::time_point when) {
    auto second = std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
    return std::string(to_string(error.kind)) + '\n' + masked_url + '\n' + error.message + '\n' + error.detail + '\n' +
           std::to_string(size.width) + 'x' + std::to_string(size.height) + '@' + std::to_string(second);
}

void reply_card(ServerContext& ctx, const std::string& url, const Error& error, const RenderOptions& render,
                const Reply& reply) {
    std::string masked = mask_credentials(url);
    Error shown = masked_error(error, url);
    CardSize size = card_size(render);
    auto when = ctx.now();
    auto draw = [masked, shown, when, size] { return card_for_error(masked, shown, when, size); };
    ctx.cards.get(card_key(masked, shown, size, when), std::move(draw), ctx.offload,
                  [error = shown, reply](CardCache::Card card) {
                      if (!card) return reply(text_response(status_for(error), std::string(to_string(error.kind)) +
                                                                                   ": " + error.message));
                      auto res = jpeg_response(status_for(error), body_from(std::move(card)));
                      set_card_headers(res, error);
                      reply(std::move(res));
                  });
}

// The prepared JPEG when the request asks for the source's defaults; a variant rendered
// from the held frame otherwise (never a new grab).
void reply_frame(ServerContext& ctx, const std::string& url, const Snapshot& snapshot, const SnapshotParams& params,
                 const RenderOptions& base, const Reply& reply) {
    SharedBody::value_type body;
    if (params.is_variant() || !snapshot.jpeg) {
        auto jpeg = render_jpeg(snapshot.frame, params.apply_to(base));
        if (!jpeg) return reply_card(ctx, url, jpeg.error(), params.apply_to(base), reply);
        body = body_from(std::move(*jpeg));
    } else {
        body = body_from(snapshot.jpeg);
    }
    auto res = jpeg_response(http::status::ok, std::move(body));
    set_frame_headers(res, snapshot);
    reply(std::move(res));
}

void reply_snapshot(ServerContext& ctx, const SourceConfig& source, const SnapshotParams& params,
                    const Result<Snapshot>& result, const Reply& reply) {
    if (!result) return reply_card(ctx, source.grab.url, result.error(), params.apply_to(source.render), reply);
    reply_frame(ctx, source.grab.url, *result, params, source.render, reply);
}

// ?url=: only with --allow-any-url, only network protocols, never cached.
void serve_adhoc(ServerContext& ctx, const SnapshotParams& params, const Reply& reply) {
    if (!ctx.adhoc)
        return reply(text_response(http::status::forbidden,
                                   "?url= is refused: only configured sources are served (see --allow-any-url)"));
    if (!is_network(classify_source(params.url)))
        return reply(text_response(http::status::forbidden, "?url= takes rtsp://, rtsps://, http:// or https:// only"));
    GrabRequest request;
    request.url = params.url;
    ctx.adhoc->grab(request, [&ctx, params, reply](Result<Frame> frame) {
        if (!frame) return reply_card(ctx, params.url, frame.error(), params.apply_to({}), reply);
        Snapshot snapshot{std::move(*frame), nullptr, false, false, std::nullopt};
        reply_frame(ctx, params.url, snapshot, params, RenderOptions{}, reply);
    });
}

}  // namespace

namespace {

// The named source; the first one when no name is given; nullptr for an unknown name.
const SourceConfig* source_named(const ServerContext& ctx, const std::string& name) {
    if (name.empty()) return ctx.cache.sources().empty() ? nullptr : &ctx.cache.sources().front();
    return ctx.cache.find(name);
}

}  // namespace

const SourceConfig* pick_source(const ServerContext& ctx, const Target& target) {
    const std::string* name = target.find("source");
    return source_named(ctx, name ? *name : std::string());
}

void serve_snapshot(ServerContext& ctx, const Target& target, const Reply& reply) {
    auto params = parse_snapshot_params(target);
    if (!params) return reply(text_response(http::status::bad_request, params.error().message));
    if (!params->url.empty()) return serve_adhoc(ctx, *params, reply);
    const SourceConfig* source = pick_source(ctx, target);
    if (!source) return reply(text_response(http::status::bad_request, "unknown source: " + mask_text(params->source).substr(0, 100)));
    ctx.cache.get(source->name, params->force_refresh,
                  [&ctx, source, params = *params, reply](Result<Snapshot> result) {
                      if (!result || !params.is_variant()) return reply_snapshot(ctx, *source, params, result, reply);
                      // A cache hit answers on the io thread: a resize or re-encode must not run there.
                      ctx.offload([&ctx, source, params, reply, result = std::move(result)] {
                          reply_snapshot(ctx, *source, params, result, reply);
                      });
                  });
}

void serve_latest(ServerContext& ctx, const std::string& name, const Reply& reply) {
    const SourceConfig* source = source_named(ctx, name);
    if (!source) return reply(text_response(http::status::not_found, "no such source"));
    // Through the cache like a snapshot: inside max age its prepared buffer as it is; past it a
    // shared refresh, so a dashboard polling only /latest.jpg never sees a frozen or falsely live frame.
    ctx.cache.get(source->name, false, [&ctx, source, reply](Result<Snapshot> result) {
        reply_snapshot(ctx, *source, SnapshotParams{}, result, reply);
    });
}

}  // namespace ptzgrab::web
