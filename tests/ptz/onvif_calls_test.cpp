#include <doctest/doctest.h>

#include "camera_replies.hpp"
#include "ptz/onvif_calls.hpp"
#include "ptz/soap_fault.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;
using namespace ptzgrab::ptz::testing;

namespace {

XmlNode body_of(const std::string& xml, std::optional<ParsedReply>& keep) {
    auto parsed = read_reply(SoapReply{200, "", "", xml}, "Test");
    REQUIRE(parsed);
    keep = std::move(*parsed);
    return keep->body;
}

}  // namespace

TEST_CASE("onvif calls: only the axes that are set are sent") {
    std::string zoom_only = onvif::continuous_move("P", Axes{{}, {}, 0.5}, std::chrono::milliseconds(1500));
    CHECK(zoom_only.find("PanTilt") == std::string::npos);
    CHECK(zoom_only.find(R"(<tt:Zoom x="0.5"/>)") != std::string::npos);
    CHECK(zoom_only.find("<tptz:Timeout>PT1.500S</tptz:Timeout>") != std::string::npos);
    std::string pan_only = onvif::relative_move("P", Axes{0.25, {}, {}}, false, {});
    CHECK(pan_only.find(R"(<tt:PanTilt x="0.25" y="0"/>)") != std::string::npos);
    CHECK(pan_only.find("Zoom") == std::string::npos);
    CHECK(pan_only.find("Speed") == std::string::npos);
    std::string fov = onvif::relative_move("P", Axes{0.5, -0.5, {}}, true, 0.5);
    CHECK(fov.find("TranslationSpaceFov") != std::string::npos);
    CHECK(fov.find(R"(<tptz:Speed><tt:PanTilt x="0.5" y="0.5"/></tptz:Speed>)") != std::string::npos);
}

TEST_CASE("onvif calls: timeouts are xs:durations") {
    CHECK(onvif::duration_text(std::chrono::milliseconds(1000)) == "PT1S");
    CHECK(onvif::duration_text(std::chrono::milliseconds(250)) == "PT0.250S");
    CHECK(onvif::duration_text(std::chrono::milliseconds(61500)) == "PT61.500S");
}

TEST_CASE("onvif calls: tokens are XML-escaped in requests") {
    CHECK(onvif::goto_preset("P", "a<b&c", {}).find("<tptz:PresetToken>a&lt;b&amp;c</tptz:PresetToken>") != std::string::npos);
}

TEST_CASE("onvif calls: presets are keyed by token; unnamed ones are labelled by it") {
    std::optional<ParsedReply> keep;
    auto presets = onvif::read_presets(body_of(presets_reply, keep));
    REQUIRE(presets.size() == 5);
    CHECK(presets[0].token == "1");
    CHECK(presets[0].label() == "preset 1");
    CHECK(presets[0].position.pan == 0.1);
    CHECK(presets[1].label() == "preset 2");
    CHECK(presets[2].label() == "Gate");
}

TEST_CASE("onvif calls: status, profiles, capabilities and options are read from camera replies") {
    std::optional<ParsedReply> keep;
    auto status = onvif::read_status(body_of(status_reply(0.5, -0.25, 0.125, "MOVING", "IDLE"), keep));
    CHECK(status.position.pan == 0.5);
    CHECK(status.position.tilt == -0.25);
    CHECK(status.position.zoom == 0.125);
    CHECK(status.pan_tilt == MoveState::moving);
    CHECK(status.zoom == MoveState::idle);
    auto no_move_status = onvif::read_status(body_of(status_reply(0, 0, 0, "", ""), keep));
    CHECK(no_move_status.pan_tilt == MoveState::unknown);

    auto profiles = onvif::read_profiles(body_of(profiles_reply, keep));
    REQUIRE(profiles.size() == 2);
    CHECK(profiles[0].ptz_configuration.empty());
    CHECK(profiles[1].token == "MediaProfile001");
    CHECK(profiles[1].ptz_configuration == "PTZToken");
    CHECK(profiles[1].ptz_node == "PTZNODETOKEN");

    auto addresses = onvif::read_capabilities(body_of(capabilities_reply, keep));
    CHECK(addresses.ptz == "http://192.168.1.64/onvif/PTZ");
    auto services = onvif::read_services(body_of(services_reply("10.0.0.2:8080"), keep));
    CHECK(services.media == "http://10.0.0.2:8080/onvif/Media");

    PtzInfo info;
    onvif::read_configuration_options(body_of(configuration_options_reply(false, true), keep), info);
    CHECK(info.absolute);
    CHECK(info.continuous);
    CHECK_FALSE(info.relative);
    CHECK(info.relative_fov);
    REQUIRE(info.zoom_range);
    CHECK(info.zoom_range->max == 1);

    auto camera_time = onvif::read_system_date_and_time(body_of(date_time_reply(2026, 11, 27, 19, 5, 30), keep));
    REQUIRE(camera_time);
    CHECK(*camera_time == std::chrono::sys_days(std::chrono::year(2026) / 11 / 27) + std::chrono::hours(19) +
                              std::chrono::minutes(5) + std::chrono::seconds(30));
}

TEST_CASE("onvif calls: camera numbers out of any sensible range are refused or capped before they become ints") {
    std::optional<ParsedReply> keep;
    std::string huge_year = date_time_reply(2026, 11, 27, 19, 5, 30);
    huge_year.replace(huge_year.find("<tt:Year>2026"), 13, "<tt:Year>1e300");
    CHECK_FALSE(onvif::read_system_date_and_time(body_of(huge_year, keep)));
    std::string huge_hour = date_time_reply(2026, 11, 27, 19, 5, 30);
    huge_hour.replace(huge_hour.find("<tt:Hour>19"), 11, "<tt:Hour>-1e300");
    CHECK_FALSE(onvif::read_system_date_and_time(body_of(huge_hour, keep)));

    std::string huge_presets = node_reply;
    huge_presets.replace(huge_presets.find(">300<"), 5, ">1e20<");
    PtzInfo info;
    onvif::read_node(body_of(huge_presets, keep), info);
    CHECK(info.presets);
    CHECK(info.max_presets == 100000);
}
