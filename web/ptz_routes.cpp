// /ptz/...: steering a source's camera. Each call runs on the camera's lane (PtzCameras), never on
// an io thread; the answer is sent from there. Moves, presets and home are POSTs (see router.cpp).
#include <boost/json.hpp>
#include <thread>

#include "core/url.hpp"
#include "core/url_userinfo.hpp"
#include "ptz_cameras.hpp"
#include "ptz_not_settled.hpp"
#include "ptz_params.hpp"
#include "responses.hpp"
#include "routes.hpp"

namespace ptzgrab::web {
namespace {

namespace json = boost::json;
using Client = ptz::PtzClient;
using std::chrono::milliseconds;

/// then=snapshot on a live source answers the first frame that arrived at least this long after the
/// camera settled. A held-open stream delivers a picture later than the camera took it (the camera's
/// encoder, RTSP buffering, ffmpeg's decoder and encoder): 0.5-2 s on real cameras, ~70 ms on the
/// loopback test camera. A frame that arrives sooner may still show the end of the motion. A one-shot
/// source needs none: its grab opens a new session, whose first keyframe comes after the settle.
constexpr milliseconds live_latency_allowance_ms{1000};

// What a task answers with, and the error of its own calls (PtzCameras drops the client on some).
struct Outcome {
    Response response;
    std::optional<Error> failed;
};

constexpr size_t max_reason_bytes = 300;

// At most `max` bytes, never half a UTF-8 character (a cut one would make the JSON invalid).
std::string cut_on_character(std::string text, size_t max) {
    if (text.size() <= max) return text;
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // text[end] starts the cut
    text.resize(end);
    return text;
}

// One line, masked against the camera's URL (its password too), cut to a readable length.
std::string reason_of(const Error& error, const OnvifSettings* camera) {
    Error shown = camera ? masked_login_error(error, camera->device_url, {camera->user, camera->password})
                         : masked_error(error, {});
    std::string text = shown.message;
    if (!shown.detail.empty()) text += " (" + shown.detail + ")";
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return cut_on_character(std::move(text), max_reason_bytes);
}

Response error_response(const Error& error, const OnvifSettings* camera = nullptr) {
    return json_response(status_for(error), json::object{{"error", to_string(error.kind)}, {"reason", reason_of(error, camera)}});
}

Outcome failure(const Error& error, const OnvifSettings* camera) { return {error_response(error, camera), error}; }

json::value axes_json(const ptz::Axes& axes) {
    auto axis = [](const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); };
    return json::object{{"pan", axis(axes.pan)}, {"tilt", axis(axes.tilt)}, {"zoom", axis(axes.zoom)}};
}

json::value range_json(const std::optional<ptz::Range>& range) {
    return range ? json::value(json::array{range->min, range->max}) : json::value(nullptr);
}

json::object info_json(const ptz::PtzInfo& i) {
    return json::object{
        {"manufacturer", i.manufacturer}, {"model", i.model}, {"firmware", i.firmware}, {"serial", i.serial},
        {"profile", {{"token", i.profile_token}, {"name", i.profile_name}}},
        {"ptz_service", mask_credentials(i.ptz_service_url)},
        {"clock_offset_s", i.clock_offset.count()},
        {"capabilities", {{"continuous", i.continuous}, {"relative", i.relative}, {"absolute", i.absolute},
                          {"relative_fov", i.relative_fov}, {"home", i.home}, {"presets", i.presets},
                          {"max_presets", i.max_presets}}},
        {"ranges", {{"pan", range_json(i.pan_range)}, {"tilt", range_json(i.tilt_range)},
                    {"zoom", range_json(i.zoom_range)}, {"speed", range_json(i.speed_range)}}},
    };
}

json::object status_json(const ptz::PtzStatus& s) {
    return json::object{{"position", axes_json(s.position)},
                        {"move_status", {{"pan_tilt", to_string(s.pan_tilt)}, {"zoom", to_string(s.zoom)}}},
                        {"error", s.error}};
}

json::array presets_json(const std::vector<ptz::Preset>& presets) {
    json::array list;
    for (const ptz::Preset& p : presets)
        list.push_back(json::object{{"token", p.token}, {"name", p.name}, {"label", p.label()},
                                    {"position", p.position.empty() ? json::value(nullptr) : axes_json(p.position)}});
    return list;
}

// A frame that started after the camera settled: force_refresh waits for the next live frame or
// a new grab. A stale stand-in (an older frame after a failed refresh) is an error, never an answer.
Outcome settled_snapshot(ServerContext& ctx, const SourceConfig& source, Client& client) {
    auto settled = client.wait_until_settled();
    if (!settled) return failure(settled.error(), &*source.onvif);
    // Still moving at the deadline: any frame now would show the motion. 504, the client kept.
    if (!settled->settled)
        return {error_response(not_settled_error(*settled, ctx.ptz->settle_timeout()), &*source.onvif), std::nullopt};
    // Frames that arrive within the allowance may have been taken during the motion: skipped.
    if (source.live.mode != LiveMode::off) std::this_thread::sleep_for(live_latency_allowance_ms);
    auto snapshot = ctx.cache.get_blocking(source.name, FrameWanted{.force_refresh = true, .younger_than = std::nullopt, .never_wait = false});
    if (snapshot && snapshot->stale)
        snapshot = std::unexpected(snapshot->refresh_error.value_or(
            Error{ErrorKind::source_unreachable, "no frame after the move", {}}));
    SharedBody::value_type body;
    if (snapshot && snapshot->jpeg) {
        body = body_from(snapshot->jpeg);
    } else if (snapshot) {
        auto jpeg = render_jpeg(snapshot->frame, source.render);
        if (!jpeg) snapshot = std::unexpected(jpeg.error());
        else body = body_from(std::move(*jpeg));
    }
    if (!snapshot) return {error_response(masked_error(snapshot.error(), source.grab.url)), std::nullopt};
    auto res = jpeg_response(http::status::ok, std::move(body));
    set_frame_headers(res, *snapshot);
    res.set("X-PTZ-Settled", settled->settled ? "true" : "false");
    res.set("X-PTZ-Settle-Ms", std::to_string(settled->waited.count()));
    res.set("X-PTZ-Settle", settled->how);
    return {std::move(res), std::nullopt};
}

// The camera already has PtzCameras::max_pending_calls requests: try again shortly, not behind them.
Response busy_response(const SourceConfig& source) {
    auto res = error_response(Error{ErrorKind::busy,
                                    "the camera of source " + source.name + " already has " +
                                        std::to_string(PtzCameras::max_pending_calls) + " requests waiting; try again",
                                    {}});
    res.set(http::field::retry_after, "1");
    return res;
}

using Call = std::function<Outcome(Client&)>;
// Builds the call for the source on_camera picked: the one pick a request makes, so a reload in
// between cannot hand the call another source than the checks saw (or none).
using MakeCall = std::function<Call(const std::shared_ptr<const SourceConfig>&)>;

// The source the request names (the first when none, for GETs only): 404 unknown, 409 without onvif settings, 503
// when the server has no PTZ at all; else the call make_call builds for it runs on its lane and answers.
void on_camera(ServerContext& ctx, const Target& target, const Reply& reply, const MakeCall& make_call) {
    auto source = pick_source(ctx, target);
    if (!source) return reply(error_response(Error{ErrorKind::not_found, "unknown source", {}}));
    if (!source->onvif || !ctx.ptz || !ctx.ptz->has(source->name))
        return reply(error_response(Error{ErrorKind::unsupported, "source " + source->name + " has no onvif settings", {}}));
    // Shares the source's ownership: the task may run after a reload replaced the sources.
    std::shared_ptr<const OnvifSettings> settings(source, &*source->onvif);
    Call call = make_call(source);
    bool queued = ctx.ptz->run(source->name, [reply, call, settings](Result<Client*> client) -> std::optional<Error> {
        const OnvifSettings* camera = settings.get();
        if (!client) {
            reply(error_response(client.error(), camera));
            return client.error();
        }
        Outcome outcome = [&]() -> Outcome {
            try {
                return call(**client);
            } catch (const std::exception& e) {
                return failure(Error{ErrorKind::device_error, "the camera call failed", e.what()}, camera);
            } catch (...) {
                return failure(Error{ErrorKind::device_error, "the camera call failed", {}}, camera);
            }
        }();
        reply(std::move(outcome.response));
        return outcome.failed;
    });
    if (!queued) reply(busy_response(*source));
}

// A call that moves or changes the camera: {"ok": true}, or with then=snapshot the settled frame.
MakeCall changing(ServerContext& ctx, bool then_snapshot, std::function<Result<void>(Client&)> act) {
    return [&ctx, then_snapshot, act = std::move(act)](const std::shared_ptr<const SourceConfig>& source) -> Call {
        return [&ctx, source, then_snapshot, act](Client& client) -> Outcome {
            auto done = act(client);
            if (!done) return failure(done.error(), &*source->onvif);
            if (then_snapshot) return settled_snapshot(ctx, *source, client);
            return {json_response(http::status::ok, json::object{{"ok", true}}), std::nullopt};
        };
    };
}

template <class T>
MakeCall reading(std::function<Result<T>(Client&)> read, std::function<json::value(const T&)> to_json) {
    return [read = std::move(read), to_json = std::move(to_json)](const std::shared_ptr<const SourceConfig>& source) -> Call {
        // Shares the source's ownership: the answer may come after a reload replaced the sources.
        std::shared_ptr<const OnvifSettings> camera(source, &*source->onvif);
        return [read, to_json, camera](Client& client) -> Outcome {
            auto value = read(client);
            if (!value) return failure(value.error(), camera.get());
            return {json_response(http::status::ok, to_json(*value)), std::nullopt};
        };
    };
}

void bad_request(const Reply& reply, const Error& error) { reply(error_response(error)); }

// A POST changes a camera, so it names one: never "the first source" by default (GETs may).
bool names_no_source(const Target& target, const Reply& reply) {
    if (target.find("source")) return false;
    bad_request(reply, Error{ErrorKind::invalid_input, "source= is required: which camera to steer", {}});
    return true;
}

}  // namespace

void serve_ptz_info(ServerContext& ctx, const Target& target, const Reply& reply) {
    on_camera(ctx, target, reply, [](const std::shared_ptr<const SourceConfig>&) -> Call {
        return [](Client& client) -> Outcome {
            return {json_response(http::status::ok, info_json(client.info())), std::nullopt};
        };
    });
}

void serve_ptz_status(ServerContext& ctx, const Target& target, const Reply& reply) {
    on_camera(ctx, target, reply,
              reading<ptz::PtzStatus>([](Client& c) { return c.status(); },
                                      [](const ptz::PtzStatus& s) { return json::value(status_json(s)); }));
}

void serve_ptz_presets(ServerContext& ctx, const Target& target, const Reply& reply) {
    on_camera(ctx, target, reply,
              reading<std::vector<ptz::Preset>>(
                  [](Client& c) { return c.presets(); },
                  [](const std::vector<ptz::Preset>& p) { return json::value(json::object{{"presets", presets_json(p)}}); }));
}

void serve_ptz_set_preset(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    auto name = required_text(target, "name");
    if (!name) return bad_request(reply, name.error());
    on_camera(ctx, target, reply,
              reading<std::string>([name = *name](Client& c) { return c.set_preset(name); },
                                   [](const std::string& token) { return json::value(json::object{{"token", token}}); }));
}

void serve_ptz_remove_preset(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    auto preset = required_text(target, "preset");
    if (!preset) return bad_request(reply, preset.error());
    on_camera(ctx, target, reply, changing(ctx, false,
                                           [preset = *preset](Client& c) { return c.remove_preset(preset); }));
}

void serve_ptz_move(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    auto params = parse_ptz_move(target);
    if (!params) return bad_request(reply, params.error());
    auto snapshot = wants_snapshot(target);
    if (!snapshot) return bad_request(reply, snapshot.error());
    on_camera(ctx, target, reply, changing(ctx, *snapshot, [p = *params](Client& c) {
                  return p.center ? c.center_on(*p.center) : c.move(*p.move);
              }));
}

void serve_ptz_stop(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    on_camera(ctx, target, reply, changing(ctx, false, [](Client& c) { return c.stop(); }));
}

void serve_ptz_goto(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    auto preset = required_text(target, "preset");
    if (!preset) return bad_request(reply, preset.error());
    auto speed = parse_ptz_speed(target);
    if (!speed) return bad_request(reply, speed.error());
    auto snapshot = wants_snapshot(target);
    if (!snapshot) return bad_request(reply, snapshot.error());
    on_camera(ctx, target, reply, changing(ctx, *snapshot,
                                           [preset = *preset, speed = *speed](Client& c) { return c.goto_preset(preset, speed); }));
}

void serve_ptz_home(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    auto speed = parse_ptz_speed(target);
    if (!speed) return bad_request(reply, speed.error());
    auto snapshot = wants_snapshot(target);
    if (!snapshot) return bad_request(reply, snapshot.error());
    on_camera(ctx, target, reply, changing(ctx, *snapshot,
                                           [speed = *speed](Client& c) { return c.goto_home(speed); }));
}

void serve_ptz_set_home(ServerContext& ctx, const Target& target, const Reply& reply) {
    if (names_no_source(target, reply)) return;
    on_camera(ctx, target, reply, changing(ctx, false, [](Client& c) { return c.set_home(); }));
}

}  // namespace ptzgrab::web
