// PtzClient on ONVIF: discovery at connect, then one SOAP call (or a few) per operation.
#include "ptz_client.hpp"

#include <algorithm>
#include "text_format.hpp"
#include <thread>

#include "core/url.hpp"
#include "core/url_userinfo.hpp"
#include "discovery.hpp"
#include "guarded_client.hpp"
#include "http_url.hpp"
#include "move_math.hpp"
#include "onvif_calls.hpp"
#include "settle.hpp"
#include "soap_session.hpp"

namespace ptzgrab::ptz {
namespace {

class OnvifPtzClient final : public PtzClient {
public:
    OnvifPtzClient(OnvifSettings camera, std::shared_ptr<SoapTransport> transport, ClientOptions options)
        : camera_(std::move(camera)), session_(camera_, std::move(transport), std::move(options)) {}

    Result<void> discover_camera() {
        auto found = discover(session_, camera_);
        if (!found) return std::unexpected(found.error());
        info_ = std::move(found->info);
        media_url_ = std::move(found->media_url);
        return {};
    }

    const PtzInfo& info() const override { return info_; }

    Result<PtzStatus> status() override {
        auto reply = ptz_call("GetStatus", onvif::get_status(info_.profile_token));
        if (!reply) return std::unexpected(reply.error());
        return onvif::read_status(reply->body);
    }

    Result<std::vector<Preset>> presets() override {
        auto reply = ptz_call("GetPresets", onvif::get_presets(info_.profile_token));
        if (!reply) return std::unexpected(reply.error());
        return onvif::read_presets(reply->body);
    }

    Result<std::string> stream_uri() override {
        auto reply = session_.call(media_url_, ns::media, "GetStreamUri", onvif::get_stream_uri(info_.profile_token));
        if (!reply) return std::unexpected(reply.error());
        std::string uri = onvif::read_stream_uri(reply->body);
        if (uri.empty()) return make_error(ErrorKind::device_error, "GetStreamUri: the camera gave no URI");
        return without_credentials(uri);
    }

    Result<void> move(const MoveCommand& command) override {
        if (auto valid = validate(command, info_); !valid) return valid;
        switch (command.mode) {
        case MoveMode::continuous:  // the pad repeats these: no GetStatus before each; MOVING or time tells
            last_move_ = {};
            return continuous(command);
        case MoveMode::relative: last_move_ = {status_before_move(), {}}; return relative(command);
        case MoveMode::absolute: return absolute(command);
        }
        return {};
    }

    Result<void> stop() override { return done(ptz_call("Stop", onvif::stop(info_.profile_token))); }

    Result<void> center_on(PictureOffset point) override {
        if (!(point.x >= -1 && point.x <= 1 && point.y >= -1 && point.y <= 1))
            return make_error(ErrorKind::invalid_input, "a picture point is x and y in [-1, 1]");
        if (info_.relative_fov) {  // FOV space: y up, the picture's y down
            last_move_ = {status_before_move(), {}};
            return done(ptz_call("RelativeMove",
                                 onvif::relative_move(info_.profile_token, Axes{point.x, -point.y, {}}, true, {})));
        }
        auto now = status();
        if (!now) return std::unexpected(now.error());
        const ClientOptions& options = session_.options();
        if (info_.absolute) {
            Axes target = center_target(point, now->position, info_, options);
            last_move_ = {*now, target};
            return done(ptz_call("AbsoluteMove", onvif::absolute_move(info_.profile_token, target, {})));
        }
        last_move_ = {*now, {}};
        MoveCommand step{MoveMode::relative, center_step(point, now->position, options), {}, {}};
        if (info_.relative || info_.continuous) return relative(step);
        return make_error(ErrorKind::unsupported, "the camera has no move space to center with");
    }

    Result<void> goto_preset(const std::string& preset, std::optional<double> speed) override {
        if (auto valid = check_speed(speed); !valid) return valid;
        auto found = resolve_preset(preset);
        if (!found) return std::unexpected(found.error());
        last_move_ = {status_before_move(), found->position.empty() ? std::nullopt : std::optional(found->position)};
        return done(ptz_call("GotoPreset", onvif::goto_preset(info_.profile_token, found->token, camera_speed(speed, info_))));
    }

    Result<std::string> set_preset(const std::string& name) override {
        auto reply = ptz_call("SetPreset", onvif::set_preset(info_.profile_token, name));
        if (!reply) return std::unexpected(reply.error());
        std::string token = onvif::read_preset_token(reply->body);
        if (token.empty()) return make_error(ErrorKind::device_error, "SetPreset: the camera gave no preset token");
        return token;
    }

    Result<void> remove_preset(const std::string& preset) override {
        auto found = resolve_preset(preset);
        if (!found) return std::unexpected(found.error());
        return done(ptz_call("RemovePreset", onvif::remove_preset(info_.profile_token, found->token)));
    }

    Result<void> goto_home(std::optional<double> speed) override {
        if (auto valid = check_speed(speed); !valid) return valid;
        if (!info_.home) return make_error(ErrorKind::unsupported, "the camera has no home position");
        last_move_ = {status_before_move(), {}};  // ONVIF does not report where home is
        return done(ptz_call("GotoHomePosition", onvif::goto_home(info_.profile_token, camera_speed(speed, info_))));
    }

    Result<void> set_home() override {
        if (!info_.home) return make_error(ErrorKind::unsupported, "the camera has no home position");
        return done(ptz_call("SetHomePosition", onvif::set_home(info_.profile_token)));
    }

    Result<Settled> wait_until_settled() override {
        return wait_for_settle([this] { return status(); }, session_.options(), last_move_);
    }

private:
    // Where the move starts from, for wait_until_settled; a camera that cannot say is waited out by time.
    std::optional<PtzStatus> status_before_move() {
        auto now = status();
        if (!now) return std::nullopt;
        return *now;
    }

    Result<ParsedReply> ptz_call(std::string_view operation, const std::string& body) {
        return session_.call(info_.ptz_service_url, ns::ptz, operation, body);
    }

    static Result<void> done(const Result<ParsedReply>& reply) {
        if (!reply) return std::unexpected(reply.error());
        return {};
    }

    static Result<void> check_speed(std::optional<double> speed) {
        if (speed && !(*speed > 0 && *speed <= 1))
            return make_error(ErrorKind::invalid_input, format_text("speed {:g} is outside (0, 1]", *speed));
        return {};
    }

    void sleep(std::chrono::milliseconds duration) const {
        if (session_.options().sleep) session_.options().sleep(duration);
        else std::this_thread::sleep_for(duration);
    }

    // Some cameras refuse pan/tilt and zoom in one ContinuousMove: then each is sent on its own.
    Result<void> continuous(const MoveCommand& command) {
        if (!info_.continuous) return make_error(ErrorKind::unsupported, "the camera has no continuous move");
        Axes velocity = command.axes;
        double scale = command.speed.value_or(1.0);
        for (auto* axis : {&velocity.pan, &velocity.tilt, &velocity.zoom})
            if (*axis) **axis *= scale;
        auto send = [&](const Axes& axes) {
            return done(ptz_call("ContinuousMove", onvif::continuous_move(info_.profile_token, axes, command.duration)));
        };
        auto both = send(velocity);
        bool mixed = (velocity.pan || velocity.tilt) && velocity.zoom;
        if (both || !mixed || both.error().kind == ErrorKind::not_authorized || both.error().kind == ErrorKind::timeout ||
            both.error().kind == ErrorKind::source_unreachable || both.error().kind == ErrorKind::clock_skew)
            return both;
        if (auto pan_tilt = send(Axes{velocity.pan, velocity.tilt, {}}); !pan_tilt) return pan_tilt;
        return send(Axes{{}, {}, velocity.zoom});
    }

    Result<void> relative(const MoveCommand& command) {
        if (info_.relative) {
            auto moved = done(ptz_call("RelativeMove", onvif::relative_move(info_.profile_token, command.axes, false,
                                                                            camera_speed(command.speed, info_))));
            // A camera that lists a relative space but refuses the call: emulate from now on.
            if (moved || moved.error().kind != ErrorKind::unsupported || !info_.continuous) return moved;
            info_.relative = false;
        }
        if (!info_.continuous) return make_error(ErrorKind::unsupported, "the camera has no relative or continuous move");
        // Emulated: ContinuousMove for the computed time, then Stop. Approximate (ClientOptions::top_speed).
        EmulatedMove plan = emulate_relative(command.axes, command.speed, session_.options());
        if (plan.duration <= std::chrono::milliseconds::zero()) return {};
        auto deadman = plan.duration + std::chrono::seconds(1);  // the camera stops itself if Stop is lost
        auto started = done(ptz_call("ContinuousMove", onvif::continuous_move(info_.profile_token, plan.velocity, deadman)));
        if (!started) return started;
        sleep(plan.duration);
        return stop();
    }

    Result<void> absolute(const MoveCommand& command) {
        if (!info_.absolute) return make_error(ErrorKind::unsupported, "the camera has no absolute move");
        Axes target = command.axes;
        auto before = status_before_move();
        if ((target.pan.has_value()) != (target.tilt.has_value())) {  // PanTilt carries both: keep the other as is
            if (!before) {
                auto now = status();
                if (!now) return std::unexpected(now.error());
                before = *now;
            }
            if (!target.pan) target.pan = before->position.pan.value_or(0);
            if (!target.tilt) target.tilt = before->position.tilt.value_or(0);
        }
        last_move_ = {before, target};
        return done(ptz_call("AbsoluteMove",
                             onvif::absolute_move(info_.profile_token, target, camera_speed(command.speed, info_))));
    }

    // A token, else a unique name.
    Result<Preset> resolve_preset(const std::string& preset) {
        if (preset.empty()) return make_error(ErrorKind::invalid_input, "no preset given");
        auto list = presets();
        if (!list) return std::unexpected(list.error());
        for (const auto& p : *list)
            if (p.token == preset) return p;
        auto named = std::ranges::count_if(*list, [&](const Preset& p) { return p.name == preset; });
        if (named > 1)
            return make_error(ErrorKind::invalid_input,
                              format_text("{} presets are named \"{}\": give a token", named, preset));
        for (const auto& p : *list)
            if (p.name == preset) return p;
        return make_error(ErrorKind::not_found, format_text("no preset \"{}\" on the camera", preset));
    }

    OnvifSettings camera_;
    SoapSession session_;
    PtzInfo info_;
    std::string media_url_;
    MoveStart last_move_;  // what the last move started from, for wait_until_settled
};

}  // namespace

Result<std::unique_ptr<PtzClient>> PtzClient::connect(const OnvifSettings& camera,
                                                      std::shared_ptr<SoapTransport> transport, ClientOptions options) {
    if (!transport) return make_error(ErrorKind::invalid_input, "no SOAP transport");
    if (auto url = parse_http_url(camera.device_url); !url)
        return make_error(ErrorKind::invalid_input, format_text("ONVIF URL {}: {}", describe(camera), url.error().message));
    try {
        auto client = std::make_unique<OnvifPtzClient>(camera, std::move(transport), std::move(options));
        if (auto found = client->discover_camera(); !found) {
            Error error = found.error();
            error.message = format_text("{}: {}", describe(camera), error.message);
            return std::unexpected(std::move(error));
        }
        return guarded(std::move(client));
    } catch (const std::exception& e) {
        return make_error(ErrorKind::device_error, format_text("{}: {}", describe(camera), e.what()));
    } catch (...) {
        return make_error(ErrorKind::device_error, format_text("{}: internal error", describe(camera)));
    }
}

std::string describe(const OnvifSettings& camera) { return mask_credentials(without_credentials(camera.device_url)); }

}  // namespace ptzgrab::ptz
