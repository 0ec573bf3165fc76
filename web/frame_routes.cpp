// /stream/snapshot, /latest.jpg and /latest/NAME.jpg: pictures from the cache, or a card saying why not.
#include <cstdio>
#include <exception>
#include <optional>

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

// A card is drawn once per error, size and second (it shows the time to the second).
struct CardJob {
    std::string key;
    std::string masked_url;
    Error shown;  // masked
    CardSize size;
    std::chrono::system_clock::time_point when;
};

CardJob card_job(const ServerContext& ctx, const std::string& url, const Error& error, const RenderOptions& render) {
    CardJob job{{}, mask_credentials(url), masked_error(error, url), card_size(render), ctx.now()};
    auto second = std::chrono::duration_cast<std::chrono::seconds>(job.when.time_since_epoch()).count();
    job.key = std::string(to_string(error.kind)) + '\n' + job.masked_url + '\n' + job.shown.message + '\n' +
              job.shown.detail + '\n' + std::to_string(job.size.width) + 'x' + std::to_string(job.size.height) + '@' +
              std::to_string(second);
    return job;
}

Response card_response(const CardJob& job, CardCache::Card card) {
    const Error& error = job.shown;
    if (!card) return text_response(status_for(error), std::string(to_string(error.kind)) + ": " + error.message);
    auto res = jpeg_response(status_for(error), body_from(std::move(card)));
    set_card_headers(res, error);
    return res;
}

// Draws (or shares) the card where it is called: on the render pool or a grab thread, never an io thread.
Response drawn_card_answer(ServerContext& ctx, const CardJob& job) {
    auto draw = [&job] { return card_for_error(job.masked_url, job.shown, job.when, job.size); };
    return card_response(job, ctx.cards.get_or_draw(job.key, draw));
}

Response card_answer(ServerContext& ctx, const std::string& url, const Error& error, const RenderOptions& render) {
    return drawn_card_answer(ctx, card_job(ctx, url, error, render));
}

// Any thread: a held card is answered at once, a new one is drawn on the render pool.
void reply_card(ServerContext& ctx, const std::string& url, const Error& error, const RenderOptions& render,
                const Reply& reply) {
    CardJob job = card_job(ctx, url, error, render);
    if (auto held = ctx.cards.find(job.key)) return render_and_send([&] { return card_response(job, held); }, reply);
    ctx.offload([&ctx, job] { return drawn_card_answer(ctx, job); }, reply);
}

// The prepared JPEG when the request asks for the source's defaults; a variant rendered
// from the held frame otherwise (never a new grab).
Response frame_answer(ServerContext& ctx, const std::string& url, const Snapshot& snapshot,
                      const SnapshotParams& params, const RenderOptions& base) {
    SharedBody::value_type body;
    if (params.is_variant() || !snapshot.jpeg) {
        auto jpeg = render_jpeg(snapshot.frame, params.apply_to(base));
        if (!jpeg) return card_answer(ctx, url, jpeg.error(), params.apply_to(base));
        body = body_from(std::move(*jpeg));
    } else {
        body = body_from(snapshot.jpeg);
    }
    auto res = jpeg_response(http::status::ok, std::move(body));
    set_frame_headers(res, snapshot);
    return res;
}

Response snapshot_answer(ServerContext& ctx, const SourceConfig& source, const SnapshotParams& params,
                         const Result<Snapshot>& result) {
    if (!result) return card_answer(ctx, source.grab.url, result.error(), params.apply_to(source.render));
    return frame_answer(ctx, source.grab.url, *result, params, source.render);
}

// The source's default JPEG from memory: the frame's prepared header lines (frame_heads.hpp) and
// the shared bytes, nothing built per request; nullopt for the rest (a stale frame, no prepared JPEG).
std::optional<Answer> prepared_answer(ServerContext& ctx, const SourceConfig& source, const Snapshot& snapshot) {
    if (snapshot.stale || !snapshot.jpeg) return std::nullopt;
    auto lines = ctx.frame_heads.lines_for(source.name, snapshot);
    if (!lines) return std::nullopt;
    Response res{http::status::ok, 11};
    res.body() = body_from(snapshot.jpeg);
    return Answer{std::move(res), PreparedFrame{std::move(lines), snapshot.age, cache_state(snapshot)}};
}

// Answers a frame with the source's defaults: prepared when it can be, else field by field.
// Never throws (it runs in the cache's callbacks), like render_and_send.
void reply_frame(ServerContext& ctx, const SourceConfig& source, const SnapshotParams& params,
                 const Result<Snapshot>& result, const Reply& reply) {
    std::optional<Answer> prepared;
    try {
        if (result) prepared = prepared_answer(ctx, source, *result);
    } catch (const std::exception&) {
        prepared.reset();  // out of memory for the lines: the general path below answers, or answers 500
    }
    if (!prepared)
        return render_and_send([&] { return snapshot_answer(ctx, source, params, result); }, reply);
    try {
        reply(std::move(*prepared));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ptzgrab: sending an answer threw: %s\n", e.what());
    }
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
    // A refused grab (too many in flight, shutting down) answers at once on the io thread: its
    // card must come from reply_card, which never draws there.
    ctx.adhoc->grab(request, [&ctx, params, reply](Result<Frame> frame) {
        if (!frame) return reply_card(ctx, params.url, frame.error(), params.apply_to({}), reply);
        render_and_send([&] {
            Snapshot snapshot{std::move(*frame), nullptr, false, false, std::nullopt};
            return frame_answer(ctx, params.url, snapshot, params, RenderOptions{});
        }, reply);
    });
}

// The named source; the first one when no name is given; nullptr for an unknown name.
std::shared_ptr<const SourceConfig> source_named(const ServerContext& ctx, const std::string& name) {
    if (name.empty()) {
        auto all = ctx.cache.sources();
        return all->empty() ? nullptr : std::shared_ptr<const SourceConfig>(all, &all->front());
    }
    return ctx.cache.find(name);
}

}  // namespace

std::shared_ptr<const SourceConfig> pick_source(const ServerContext& ctx, const Target& target) {
    const std::string* name = target.find("source");
    return source_named(ctx, name ? *name : std::string());
}

void serve_snapshot(ServerContext& ctx, const Target& target, const Reply& reply) {
    auto params = parse_snapshot_params(target);
    if (!params) return reply(text_response(http::status::bad_request, params.error().message));
    if (!params->url.empty()) return serve_adhoc(ctx, *params, reply);
    auto source = pick_source(ctx, target);
    if (!source) return reply(text_response(http::status::bad_request, "unknown source: " + mask_text(params->source).substr(0, 100)));
    FrameWanted wanted{.force_refresh = params->force_refresh, .younger_than = params->max_age, .never_wait = false};
    ctx.cache.get(source->name, wanted,
                  [&ctx, source, params = *params, reply](Result<Snapshot> result) {
                      if (!result)
                          return reply_card(ctx, source->grab.url, result.error(), params.apply_to(source->render), reply);
                      if (!params.is_variant()) return reply_frame(ctx, *source, params, result, reply);
                      RenderAnswer render = [&ctx, source, params, result = std::move(result)] {
                          return snapshot_answer(ctx, *source, params, result);
                      };
                      // A cache hit answers on the io thread: a resize or re-encode must not run there.
                      ctx.offload(std::move(render), reply);
                  });
}

void serve_latest(ServerContext& ctx, const std::string& name, const Reply& reply) {
    auto source = source_named(ctx, name);
    if (!source) return reply(text_response(http::status::not_found, "no such source"));
    // Through the cache like a snapshot, but never waiting for a grab: a held frame at once (past
    // max age marked X-Cache: refreshing, a refresh starts behind it), so a dashboard polling only
    // /latest.jpg is never held up by a camera, nor shown a frozen frame as live.
    ctx.cache.get(source->name, FrameWanted{.force_refresh = false, .younger_than = std::nullopt, .never_wait = true}, [&ctx, source, reply](Result<Snapshot> result) {
        if (!result) return reply_card(ctx, source->grab.url, result.error(), source->render, reply);
        reply_frame(ctx, *source, SnapshotParams{}, result, reply);
    });
}

}  // namespace ptzgrab::web
