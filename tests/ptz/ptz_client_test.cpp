#include <doctest/doctest.h>

#include <chrono>
#include <new>
#include <stdexcept>

#include "camera_replies.hpp"
#include "ptz/http_digest.hpp"
#include "ptz/ptz_client.hpp"
#include "replay_transport.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;
using namespace ptzgrab::ptz::testing;
using namespace std::chrono;

namespace {

constexpr const char* password = "s3cr3t-Pa55";
const system_clock::time_point our_now = sys_days(year(2026) / 11 / 27) + hours(12);

OnvifSettings settings(std::string profile = {}) {
    return OnvifSettings{"http://127.0.0.1:8899/onvif/device_service", "admin", password, std::move(profile)};
}

// A camera whose clock runs one hour ahead of ours, with PTZ on its second profile.
std::shared_ptr<ReplayTransport> camera(bool relative = true, bool fov = false) {
    auto t = std::make_shared<ReplayTransport>();
    t->on("GetSystemDateAndTime", {ok(date_time_reply(2026, 11, 27, 13, 0, 0))});
    t->on("GetDeviceInformation", {ok(device_information_reply)});
    t->on("GetServices", {ok(services_reply("192.168.1.64"))});
    t->on("GetProfiles", {ok(profiles_reply)});
    t->on("GetConfigurationOptions", {ok(configuration_options_reply(relative, fov))});
    t->on("GetNode", {ok(node_reply)});
    t->on("GetStatus", {ok(status_reply(0.5, 0.5, 0, "IDLE", "IDLE"))});
    t->on("GetPresets", {ok(presets_reply)});
    for (const char* op : {"ContinuousMove", "RelativeMove", "AbsoluteMove", "Stop", "GotoPreset", "RemovePreset",
                           "GotoHomePosition", "SetHomePosition"})
        t->on(op, {ok(empty_response(op))});
    t->on("SetPreset", {ok(hik("<tptz:SetPresetResponse><tptz:PresetToken>17</tptz:PresetToken></tptz:SetPresetResponse>"))});
    t->on("GetStreamUri", {ok(hik("<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://admin:s3cr3t-Pa55@192.168.1.64:554/Streaming/Channels/102</tt:Uri></trt:MediaUri></trt:GetStreamUriResponse>"))});
    return t;
}

struct Clock {
    std::vector<milliseconds> sleeps;
    ClientOptions options() {
        ClientOptions o;
        o.now = [] { return our_now; };
        o.sleep = [this](milliseconds d) { sleeps.push_back(d); };
        return o;
    }
};

std::unique_ptr<PtzClient> connected(const std::shared_ptr<ReplayTransport>& t, Clock& clock) {
    auto client = PtzClient::connect(settings(), t, clock.options());
    REQUIRE_MESSAGE(client, (client ? "" : client.error().message));
    t->requests.clear();
    return std::move(*client);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("client: connect discovers the device, the PTZ profile, services and ranges") {
    auto t = camera();
    Clock clock;
    auto client = PtzClient::connect(settings(), t, clock.options());
    REQUIRE(client);
    const PtzInfo& info = (*client)->info();
    CHECK(info.manufacturer == "HIKVISION");
    CHECK(info.profile_token == "MediaProfile001");  // the first profile with a PTZ configuration
    CHECK(info.ptz_service_url == "http://127.0.0.1:8899/onvif/PTZ");  // the device's authority, the service's path
    CHECK(info.clock_offset == hours(1));
    CHECK(info.relative);
    CHECK(info.absolute);
    CHECK(info.home);
    CHECK(info.max_presets == 300);
    CHECK(t->sent("GetSystemDateAndTime").front().envelope.find("Security") == std::string::npos);
    CHECK(t->sent("GetConfigurationOptions").front().envelope.find("<tptz:ConfigurationToken>PTZToken<") != std::string::npos);
}

TEST_CASE("client: requests are signed with our clock plus the camera's offset") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    REQUIRE(client->status());
    CHECK(contains(t->requests.back().envelope, "<wsu:Created>2026-11-27T13:00:00Z</wsu:Created>"));
    CHECK_FALSE(contains(t->requests.back().envelope, password));
}

TEST_CASE("client: a configured profile is used; an unknown one is not_found, one without PTZ unsupported") {
    Clock clock;
    auto chosen = PtzClient::connect(settings("MediaProfile001"), camera(), clock.options());
    REQUIRE(chosen);
    auto missing = PtzClient::connect(settings("Nope"), camera(), clock.options());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::not_found);
    auto no_ptz = PtzClient::connect(settings("MediaProfile000"), camera(), clock.options());
    REQUIRE_FALSE(no_ptz);
    CHECK(no_ptz.error().kind == ErrorKind::unsupported);
}

TEST_CASE("client: GetServices refused falls back to GetCapabilities") {
    auto t = camera();
    t->on("GetServices", {SoapReply{400, "", "", fault12("Receiver", "ter:ActionNotSupported", "not here")}});
    t->on("GetCapabilities", {ok(capabilities_reply)});
    Clock clock;
    auto client = PtzClient::connect(settings(), t, clock.options());
    REQUIRE(client);
    CHECK((*client)->info().ptz_service_url == "http://127.0.0.1:8899/onvif/PTZ");
    CHECK(t->sent("GetCapabilities").size() == 1);
}

TEST_CASE("client: a 401 with a Digest challenge is answered, and Digest is kept") {
    auto t = camera();
    int challenges = 0;
    t->hook = [&](const SoapRequest& r) -> std::optional<Result<SoapReply>> {
        if (r.authorization.empty()) {
            ++challenges;
            return SoapReply{401, "text/html", hikvision_challenge, html_401};
        }
        // Check the answer as the camera would: recompute with the request's own nc and cnonce.
        auto field = [&](const std::string& name) {
            auto at = r.authorization.find(name + "=");
            auto start = at + name.size() + 1 + (r.authorization[at + name.size() + 1] == '"' ? 1 : 0);
            return r.authorization.substr(start, r.authorization.find_first_of("\",", start) - start);
        };
        auto challenge = *parse_digest_challenge(hikvision_challenge);
        auto expected = digest_authorization(challenge, "admin", password, "POST", field("uri"),
                                             static_cast<unsigned>(std::stoul(field("nc"), nullptr, 16)), field("cnonce"));
        if (expected != r.authorization) return SoapReply{401, "text/html", hikvision_challenge, html_401};
        return std::nullopt;
    };
    Clock clock;
    auto client = PtzClient::connect(settings(), t, clock.options());
    REQUIRE_MESSAGE(client, (client ? "" : client.error().message));
    int after_connect = challenges;
    CHECK(after_connect == 1);
    REQUIRE((*client)->status());
    CHECK(challenges == 1);
    CHECK(contains(t->requests.back().authorization, "uri=\"/onvif/PTZ\""));
    CHECK(contains(t->requests.back().envelope, "wsse:Security"));  // WS-Security kept while it is not refused
}

TEST_CASE("client: a Digest-only camera that faults on WS-Security gets Digest alone") {
    auto t = camera();
    t->hook = [&](const SoapRequest& r) -> std::optional<Result<SoapReply>> {
        if (r.authorization.empty()) return SoapReply{401, "", hikvision_challenge, ""};
        if (contains(r.envelope, "wsse:Security"))
            return SoapReply{400, "", "", fault12("Sender", "ter:NotAuthorized", "WS-Security not accepted")};
        return std::nullopt;
    };
    Clock clock;
    auto client = PtzClient::connect(settings(), t, clock.options());
    REQUIRE_MESSAGE(client, (client ? "" : client.error().message));
    t->requests.clear();
    REQUIRE((*client)->stop());
    REQUIRE(t->requests.size() == 1);
    CHECK_FALSE(contains(t->requests.back().envelope, "wsse:Security"));
}

TEST_CASE("client: wrong credentials are not_authorized, and no message shows the password") {
    auto t = camera();
    t->hook = [&](const SoapRequest& r) -> std::optional<Result<SoapReply>> {
        if (ReplayTransport::operation_of(r) == "GetSystemDateAndTime") return std::nullopt;
        // A careless camera that echoes what it was sent.
        return SoapReply{401, "", "", fault12("Sender", "ter:NotAuthorized", std::string("bad password ") + password)};
    };
    Clock clock;
    OnvifSettings with_userinfo = settings();
    with_userinfo.device_url = std::string("http://admin:") + password + "@127.0.0.1:8899/onvif/device_service";
    auto client = PtzClient::connect(with_userinfo, t, clock.options());
    REQUIRE_FALSE(client);
    CHECK(client.error().kind == ErrorKind::not_authorized);
    CHECK_FALSE(contains(client.error().message, password));
    CHECK_FALSE(contains(client.error().detail, password));
    CHECK(contains(client.error().message, "127.0.0.1:8899"));
}

TEST_CASE("client: the password appears in no error message of any operation") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    std::string reason = std::string("refused for admin/") + password;
    for (const char* op : {"GetStatus", "GetPresets", "ContinuousMove", "AbsoluteMove", "Stop", "GotoHomePosition",
                           "SetHomePosition", "SetPreset", "GetStreamUri"})
        t->on(op, {SoapReply{500, "", "", fault12("Receiver", "ter:Action", reason)}});
    std::vector<Error> errors;
    auto keep = [&](auto result) {
        REQUIRE_FALSE(result);
        errors.push_back(result.error());
    };
    keep(client->status());
    keep(client->presets());
    keep(client->move(MoveCommand{MoveMode::continuous, Axes{0.5, {}, {}}, {}, milliseconds(500)}));
    keep(client->move(MoveCommand{MoveMode::absolute, Axes{0.5, 0.5, {}}, {}, {}}));
    keep(client->stop());
    keep(client->goto_home());
    keep(client->set_home());
    keep(client->set_preset("x"));
    keep(client->stream_uri());
    keep(client->goto_preset("1"));
    for (const auto& e : errors) {
        CAPTURE(e.message);
        CHECK(e.kind == ErrorKind::device_error);
        CHECK_FALSE(contains(e.message, password));
        CHECK(contains(e.message, "refused for admin/***"));
    }
}

TEST_CASE("client: a transport timeout is a timeout error naming the operation") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    t->hook = [](const SoapRequest&) -> std::optional<Result<SoapReply>> {
        return make_error(ErrorKind::timeout, "no answer from the camera within 5000 ms");
    };
    auto status = client->status();
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::timeout);
    CHECK(status.error().message == "GetStatus: no answer from the camera within 5000 ms");
}

TEST_CASE("client: presets are reached by token or unique name; ambiguous and unknown names are refused") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    auto list = client->presets();
    REQUIRE(list);
    CHECK(list->size() == 5);
    CHECK((*list)[1].label() == "preset 2");

    REQUIRE(client->goto_preset("2"));  // an unnamed preset, by token
    CHECK(contains(t->sent("GotoPreset").back().envelope, "<tptz:PresetToken>2</tptz:PresetToken>"));
    REQUIRE(client->goto_preset("Gate", 0.5));
    CHECK(contains(t->sent("GotoPreset").back().envelope, "<tptz:PresetToken>3</tptz:PresetToken>"));
    CHECK(contains(t->sent("GotoPreset").back().envelope, "<tptz:Speed>"));

    auto ambiguous = client->goto_preset("Door");
    REQUIRE_FALSE(ambiguous);
    CHECK(ambiguous.error().kind == ErrorKind::invalid_input);
    auto unknown = client->remove_preset("Garage");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == ErrorKind::not_found);
    REQUIRE(client->remove_preset("4"));
    CHECK(contains(t->sent("RemovePreset").back().envelope, "<tptz:PresetToken>4</tptz:PresetToken>"));

    auto token = client->set_preset("Car park");
    REQUIRE(token);
    CHECK(*token == "17");
    CHECK(contains(t->sent("SetPreset").back().envelope, "<tptz:PresetName>Car park</tptz:PresetName>"));
}

TEST_CASE("client: only the axes that are set are sent, and out-of-range values are refused before sending") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    REQUIRE(client->move(MoveCommand{MoveMode::continuous, Axes{{}, {}, -0.5}, {}, milliseconds(2000)}));
    const std::string& sent = t->requests.back().envelope;
    CHECK_FALSE(contains(sent, "PanTilt"));
    CHECK(contains(sent, R"(<tt:Zoom x="-0.5"/>)"));
    CHECK(contains(sent, "<tptz:Timeout>PT2S</tptz:Timeout>"));

    t->requests.clear();
    auto outside = client->move(MoveCommand{MoveMode::absolute, Axes{1.5, {}, {}}, {}, {}});
    REQUIRE_FALSE(outside);
    CHECK(outside.error().kind == ErrorKind::invalid_input);
    CHECK(outside.error().message == "pan 1.5 is outside the camera's range [-1, 1]");
    CHECK(t->requests.empty());
    auto nothing = client->move(MoveCommand{MoveMode::relative, Axes{}, {}, {}});
    REQUIRE_FALSE(nothing);
    CHECK(nothing.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("client: an absolute pan alone keeps the current tilt") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    REQUIRE(client->move(MoveCommand{MoveMode::absolute, Axes{-0.25, {}, {}}, {}, {}}));
    const std::string sent = t->sent("AbsoluteMove").back().envelope;
    CHECK(contains(sent, R"(<tt:PanTilt x="-0.25" y="0.5"/>)"));
    CHECK_FALSE(contains(sent, "Zoom"));
}

TEST_CASE("client: a relative move without a relative space is a timed ContinuousMove, then Stop") {
    auto t = camera(false);
    Clock clock;
    auto client = connected(t, clock);
    REQUIRE(client->move(MoveCommand{MoveMode::relative, Axes{0.4, -0.2, {}}, 0.5, {}}));
    REQUIRE(t->requests.size() == 3);
    CHECK(ReplayTransport::operation_of(t->requests[0]) == "GetStatus");  // where the move starts, for settling
    CHECK(ReplayTransport::operation_of(t->requests[1]) == "ContinuousMove");
    CHECK(contains(t->requests[1].envelope, R"(<tt:PanTilt x="0.5" y="-0.25"/>)"));
    CHECK(ReplayTransport::operation_of(t->requests[2]) == "Stop");
    REQUIRE(clock.sleeps.size() == 1);
    CHECK(clock.sleeps[0] == milliseconds(800));  // 0.4 units at 0.5 of 1 unit/s
}

TEST_CASE("client: a camera refusing pan/tilt and zoom in one ContinuousMove gets them one by one") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    t->on("ContinuousMove", {SoapReply{500, "", "", fault12("Sender", "ter:InvalidArgVal", "one at a time")},
                             ok(empty_response("ContinuousMove"))});
    REQUIRE(client->move(MoveCommand{MoveMode::continuous, Axes{0.5, {}, 0.5}, {}, milliseconds(1000)}));
    auto sent = t->sent("ContinuousMove");
    REQUIRE(sent.size() == 3);
    CHECK_FALSE(contains(sent[1].envelope, "Zoom"));
    CHECK_FALSE(contains(sent[2].envelope, "PanTilt"));
}

TEST_CASE("client: center_on moves in the FOV space with the picture's y flipped, else absolutely") {
    auto fov_camera = camera(true, true);
    Clock clock;
    auto with_fov = connected(fov_camera, clock);
    REQUIRE(with_fov->center_on(PictureOffset{0.5, 0.25}));
    const std::string& fov_sent = fov_camera->requests.back().envelope;
    CHECK(contains(fov_sent, R"(<tt:PanTilt x="0.5" y="-0.25" space="http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationSpaceFov"/>)"));

    auto plain = camera(true, false);
    auto without = connected(plain, clock);
    REQUIRE(without->center_on(PictureOffset{0.5, 0.25}));  // from (0.5, 0.5) at zoom 0
    CHECK(contains(plain->sent("AbsoluteMove").back().envelope, R"(<tt:PanTilt x="1" y="0.25"/>)"));
    CHECK_FALSE(without->center_on(PictureOffset{1.5, 0}));
}

TEST_CASE("client: the stream URI comes without credentials") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    auto uri = client->stream_uri();
    REQUIRE(uri);
    CHECK(*uri == "rtsp://192.168.1.64:554/Streaming/Channels/102");
}

TEST_CASE("client: home and set-home are sent to the profile") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    REQUIRE(client->goto_home());
    REQUIRE(client->set_home());
    CHECK(contains(t->sent("GotoHomePosition").back().envelope, "<tptz:ProfileToken>MediaProfile001<"));
    CHECK(t->sent("SetHomePosition").size() == 1);
    CHECK_FALSE(client->goto_home(1.5));
}

TEST_CASE("client: a camera that lists a relative space but refuses RelativeMove gets the emulation") {
    auto t = camera(true);
    Clock clock;
    auto client = connected(t, clock);
    t->on("RelativeMove", {SoapReply{500, "", "", fault12("Receiver", "ter:ActionNotSupported", "no relative")}});
    REQUIRE(client->move(MoveCommand{MoveMode::relative, Axes{{}, 0.3, {}}, 1.0, {}}));
    CHECK(t->sent("ContinuousMove").size() == 1);
    CHECK(t->sent("Stop").size() == 1);
    CHECK(clock.sleeps == std::vector<milliseconds>{milliseconds(300)});
    CHECK_FALSE(client->info().relative);
}

TEST_CASE("client: after GotoPreset, IDLE at the old position is not the end of the move") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    // Before the move, then two IDLE polls at the old position, then moving to preset 1 (0.1, 0.2, 0).
    t->on("GetStatus", {ok(status_reply(0.5, 0.5, 0, "IDLE", "IDLE")), ok(status_reply(0.5, 0.5, 0, "IDLE", "IDLE")),
                        ok(status_reply(0.5, 0.5, 0, "IDLE", "IDLE")), ok(status_reply(0.3, 0.35, 0, "MOVING", "IDLE")),
                        ok(status_reply(0.1, 0.2, 0, "IDLE", "IDLE"))});
    REQUIRE(client->goto_preset("1"));
    auto settled = client->wait_until_settled();
    REQUIRE(settled);
    CHECK(settled->settled);
    CHECK(settled->how == "idle");
    CHECK(settled->last.position.pan == doctest::Approx(0.1));
    CHECK(t->sent("GetStatus").size() == 6);
}

TEST_CASE("client: an AbsoluteMove to where the camera already is settles at the target without waiting") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    REQUIRE(client->move(MoveCommand{MoveMode::absolute, Axes{0.5, 0.5, 0.0}, {}, {}}));
    auto settled = client->wait_until_settled();
    REQUIRE(settled);
    CHECK(settled->settled);
    CHECK(settled->how == "idle");
    CHECK(t->sent("GetStatus").size() == 3);  // before the move, then two polls
}

TEST_CASE("client: an exception inside a call (out of memory, a failing transport) comes back as device_error") {
    auto t = camera();
    Clock clock;
    auto client = connected(t, clock);
    t->hook = [](const SoapRequest& request) -> std::optional<Result<SoapReply>> {
        if (ReplayTransport::operation_of(request) == "GetStatus") throw std::bad_alloc();
        if (ReplayTransport::operation_of(request) == "Stop") throw std::runtime_error("socket exploded");
        return std::nullopt;
    };
    auto status = client->status();
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::device_error);
    CHECK(status.error().message == "GetStatus: out of memory");
    auto stopped = client->stop();
    REQUIRE_FALSE(stopped);
    CHECK(stopped.error().kind == ErrorKind::device_error);
    CHECK(stopped.error().message == "Stop: internal error: socket exploded");
}

TEST_CASE("client: an exception outside the SOAP exchange (the sleep hook) does not leave the client either") {
    auto t = camera(false);
    ClientOptions options;
    options.now = [] { return our_now; };
    options.sleep = [](milliseconds) { throw std::runtime_error("no sleep today"); };
    auto client = PtzClient::connect(settings(), t, options);
    REQUIRE(client);
    auto moved = (*client)->move(MoveCommand{MoveMode::relative, Axes{0.4, -0.2, {}}, 0.5, {}});
    REQUIRE_FALSE(moved);
    CHECK(moved.error().kind == ErrorKind::device_error);
    CHECK(moved.error().message == "move: internal error: no sleep today");
}
