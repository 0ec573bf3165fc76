// /stream/mjpeg?source=NAME[&fps=N]: a live source restreamed as multipart JPEGs (µStreamer's
// /stream). The route admits the viewer; the connection writes the frames (frame_stream.hpp).
#include <charconv>

#include "core/url.hpp"
#include "frame_stream.hpp"
#include "responses.hpp"
#include "routes.hpp"

namespace ptzgrab::web {
namespace {

constexpr double max_stream_fps = 30;
/// A refused viewer is asked to come back this much later.
constexpr std::chrono::seconds viewer_retry_after{5};

// ?fps=N: nullopt when absent; an error for anything but a number in (0, max_stream_fps].
Result<std::optional<double>> fps_param(const Target& target) {
    const std::string* text = target.find("fps");
    if (!text) return std::optional<double>{};
    double fps = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), fps);
    if (text->empty() || ec != std::errc{} || end != text->data() + text->size() || !(fps > 0) || fps > max_stream_fps)
        return make_error(ErrorKind::invalid_input, "fps must be a number above 0 and at most 30");
    return std::optional<double>{fps};
}

Response refused_viewer(Viewers::Refused why, const Viewers& viewers, const std::string& source) {
    std::string reason =
        why == Viewers::Refused::stopping ? "the server is stopping"
        : why == Viewers::Refused::source_full
            ? "too many viewers of " + source + " (at most " + std::to_string(viewers.caps().per_source) + ")"
            : "too many viewers (at most " + std::to_string(viewers.caps().total) + " in all)";
    auto res = text_response(http::status::service_unavailable, reason);
    res.set(http::field::retry_after, std::to_string(viewer_retry_after.count()));
    return res;
}

Response not_live(const SourceConfig& source) {
    return text_response(http::status::conflict, "source " + mask_text(source.name).substr(0, 100) +
                                                     " is not live (live: " + std::string(to_string(source.live.mode)) +
                                                     "): /stream/mjpeg needs a live source; use /stream/snapshot");
}

Response no_such_source() { return text_response(http::status::not_found, "no such source"); }

}  // namespace

void serve_mjpeg(ServerContext& ctx, const Target& target, const Reply& reply) {
    auto fps = fps_param(target);
    if (!fps) return reply(text_response(http::status::bad_request, fps.error().message));
    auto source = pick_source(ctx, target);
    if (!source) return reply(no_such_source());
    if (source->live.mode == LiveMode::off) return reply(not_live(*source));
    auto admission = ctx.viewers.admit(source->name);
    if (!admission.ticket) return reply(refused_viewer(admission.refused, ctx.viewers, source->name));
    auto lease = ctx.cache.watch(source->name, fps->value_or(0));
    if (!lease) {
        // No stream: a reload removed the source since it was found (unknown now, as to any later
        // request), or it is no longer live, or live streams are not enabled in this server.
        auto now = ctx.cache.find(source->name);
        return reply(now ? not_live(*now) : no_such_source());
    }
    admission.ticket->hold(std::move(lease));
    auto stream = std::make_shared<FrameStream>(FrameStream{ctx.cache, source, *fps, std::move(admission.ticket)});
    reply(Answer{mjpeg_head(), std::move(stream)});
}

}  // namespace ptzgrab::web
