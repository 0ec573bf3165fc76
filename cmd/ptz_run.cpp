// `ptzgrab ptz`: resolve the camera, connect, do the one action, print what happened.
#include <iostream>

#include "core/url.hpp"
#include "exit_codes.hpp"
#include "ptz/ptz_client.hpp"
#include "ptz_command.hpp"
#include "ptz_output.hpp"
#include "ptz_snapshot.hpp"
#include "ptz_target.hpp"

namespace ptzgrab::cli {
namespace {

using namespace std::chrono;
namespace json = boost::json;

milliseconds millis(double seconds) { return duration_cast<milliseconds>(duration<double>(seconds)); }

bool moves_camera(const std::string& action) {
    return action == "move" || action == "goto" || action == "home" || action == "center";
}

ptz::MoveCommand move_command(const PtzOptions& o) {
    ptz::MoveCommand command;
    command.mode = ptz::parse_move_mode(o.mode).value_or(ptz::MoveMode::continuous);  // checked by CLI11
    command.axes = {o.pan, o.tilt, o.zoom};
    command.speed = o.speed;
    command.duration = millis(o.duration_s);
    return command;
}

// The actions that change something; an empty report.action when the client refused (error printed).
Result<ActionReport> act(ptz::PtzClient& client, const PtzOptions& o) {
    ActionReport r{o.action, {}, {}, {}, {}};
    auto done = [&r](Result<void> ok, std::string text) -> Result<ActionReport> {
        if (!ok) return std::unexpected(ok.error());
        r.text = std::move(text);
        return r;
    };
    if (o.action == "move") {
        ptz::MoveCommand command = move_command(o);
        r.fields = {{"mode", o.mode}, {"axes", axes_json(command.axes)}};
        if (o.speed) r.fields["speed"] = *o.speed;
        std::string text = "moved (" + o.mode + ": " + axes_text(command.axes) +
                           (command.mode == ptz::MoveMode::continuous ? ", stops by itself after " +
                                                                            number_text(o.duration_s) + " s" : "") + ")";
        return done(client.move(command), text);
    }
    if (o.action == "stop") return done(client.stop(), "stopped");
    if (o.action == "goto") {
        r.fields = {{"preset", o.preset}};
        return done(client.goto_preset(o.preset, o.speed), "went to preset " + o.preset);
    }
    if (o.action == "set-preset") {
        auto token = client.set_preset(o.preset);
        if (!token) return std::unexpected(token.error());
        r.fields = {{"name", o.preset}, {"token", *token}};
        r.text = "saved preset \"" + o.preset + "\" as token " + *token;
        return r;
    }
    if (o.action == "remove-preset") {
        r.fields = {{"preset", o.preset}};
        return done(client.remove_preset(o.preset), "removed preset " + o.preset);
    }
    if (o.action == "home") return done(client.goto_home(o.speed), "went home");
    if (o.action == "set-home") return done(client.set_home(), "saved the current position as home");
    r.fields = {{"x", o.x}, {"y", o.y}};
    return done(client.center_on({o.x, o.y}), "centered on x " + number_text(o.x) + ", y " + number_text(o.y));
}

int run_action(ptz::PtzClient& client, const PtzOptions& o, const PtzTarget& target, const std::string& shot_output) {
    const OnvifSettings& camera = target.camera;
    if (o.action == "info") {
        print_info(client.info(), ptz::describe(camera), o.json);
        return exit_ok;
    }
    if (o.action == "status") {
        auto status = client.status();
        if (!status) return print_ptz_error(status.error(), camera);
        print_status(*status, o.json);
        return exit_ok;
    }
    if (o.action == "presets") {
        auto presets = client.presets();
        if (!presets) return print_ptz_error(presets.error(), camera);
        print_presets(*presets, o.json);
        return exit_ok;
    }
    auto report = act(client, o);
    if (!report) return print_ptz_error(report.error(), camera);
    if (!shot_output.empty())
        if (int rc = settle_and_grab(client, o, target, shot_output, *report); rc != exit_ok) return rc;
    print_action(*report, o.json);
    return exit_ok;
}

// Connection failures say which camera, unless the client's message does already.
Error with_camera(Error error, const OnvifSettings& camera) {
    std::string shown = ptz::describe(camera);
    if (error.message.find(shown) == std::string::npos) error.message = "camera " + shown + ": " + error.message;
    return error;
}

}  // namespace

int run_ptz(const PtzOptions& o) {
    auto target = resolve_target(o);
    if (!target) {
        std::cerr << "ptzgrab: " << target.error().message << "\n";
        return exit_usage;
    }
    if (o.action == "move" && !o.pan && !o.tilt && !o.zoom) {
        std::cerr << "ptzgrab: move needs --pan, --tilt or --zoom\n";
        return exit_usage;
    }
    if (!o.snapshot.empty() && !moves_camera(o.action)) {
        std::cerr << "ptzgrab: --snapshot goes with move, goto, home or center\n";
        return exit_usage;
    }
    std::string shot_output;
    if (!o.snapshot.empty())
        if (int rc = prepare_shot(o, shot_output); rc != exit_ok) return rc;
    ptz::ClientOptions options;
    options.call_timeout = millis(o.timeout_s);
    options.settle_timeout = millis(o.settle_timeout_s);
    auto client = ptz::PtzClient::connect(target->camera, ptz::make_http_transport(), options);
    if (!client) return print_ptz_error(with_camera(client.error(), target->camera), target->camera);
    return run_action(**client, o, *target, shot_output);
}

}  // namespace ptzgrab::cli
