#include "onvif_calls.hpp"

#include <algorithm>
#include <chrono>
#include "text_format.hpp"

#include "ws_security.hpp"

namespace ptzgrab::ptz::onvif {
namespace {

constexpr std::string_view pan_tilt_spaces = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/";
constexpr std::string_view fov_space = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationSpaceFov";
constexpr int max_presets_cap = 100000;  // presets; a camera claiming more is taken at this

std::string number(double value) { return format_text("{:.6g}", value); }

std::string token_element(std::string_view name, std::string_view value) {
    return format_text("<tptz:{0}>{1}</tptz:{0}>", name, xml_escape(value));
}

// <tt:PanTilt x= y=/> when pan or tilt is set (an unset one is 0), <tt:Zoom x=/> when zoom is set.
std::string vector_elements(const Axes& axes, std::string_view pan_tilt_space = {}) {
    std::string out;
    if (axes.pan || axes.tilt) {
        out += format_text("<tt:PanTilt x=\"{}\" y=\"{}\"", number(axes.pan.value_or(0)), number(axes.tilt.value_or(0)));
        if (!pan_tilt_space.empty()) out += format_text(" space=\"{}\"", pan_tilt_space);
        out += "/>";
    }
    if (axes.zoom) out += format_text("<tt:Zoom x=\"{}\"/>", number(*axes.zoom));
    return out;
}

std::string speed_element(const Axes& moved, std::optional<double> speed) {
    if (!speed) return {};
    Axes speeds;
    if (moved.pan || moved.tilt) speeds.pan = speeds.tilt = *speed;
    if (moved.zoom) speeds.zoom = *speed;
    return "<tptz:Speed>" + vector_elements(speeds) + "</tptz:Speed>";
}

std::optional<Range> read_range(XmlNode range) {
    if (!range) return std::nullopt;
    auto min = parse_double(range.child(ns::schema, "Min").text());
    auto max = parse_double(range.child(ns::schema, "Max").text());
    if (!min || !max || *min > *max) return std::nullopt;
    return Range{*min, *max};
}

MoveState read_move_state(XmlNode node) {
    if (!node) return MoveState::unknown;
    std::string text = node.text();
    if (text == "IDLE") return MoveState::idle;
    if (text == "MOVING") return MoveState::moving;
    return MoveState::unknown;
}

Axes read_vector(XmlNode parent) {
    Axes out;
    if (XmlNode pt = parent.child(ns::schema, "PanTilt")) {
        out.pan = pt.number_attribute("x");
        out.tilt = pt.number_attribute("y");
    }
    if (XmlNode zoom = parent.child(ns::schema, "Zoom")) out.zoom = zoom.number_attribute("x");
    return out;
}

// "http://HOST/path" of a service, from GetServices' Namespace/XAddr pairs.
std::string xaddr_of(XmlNode body, std::string_view service_ns) {
    XmlNode response = body.find(ns::device, "GetServicesResponse");
    for (XmlNode service : response.children(ns::device, "Service"))
        if (service.child(ns::device, "Namespace").text() == service_ns) return service.child(ns::device, "XAddr").text();
    return {};
}

}  // namespace

std::string action(std::string_view service_ns, std::string_view operation) {
    return format_text("{}/{}", service_ns, operation);
}

std::string duration_text(std::chrono::milliseconds duration) {
    auto ms = std::max<long long>(duration.count(), 0);
    if (ms % 1000 == 0) return format_text("PT{}S", ms / 1000);
    return format_text("PT{}.{:03}S", ms / 1000, ms % 1000);
}

std::string get_system_date_and_time() { return "<tds:GetSystemDateAndTime/>"; }

std::optional<std::chrono::system_clock::time_point> read_system_date_and_time(XmlNode body) {
    XmlNode utc = body.find(ns::schema, "UTCDateTime");
    if (!utc) return std::nullopt;
    XmlNode date = utc.child(ns::schema, "Date"), time = utc.child(ns::schema, "Time");
    auto field = [](XmlNode parent, std::string_view name) { return parse_double(parent.child(ns::schema, name).text()); };
    auto year = field(date, "Year"), month = field(date, "Month"), day = field(date, "Day");
    auto hour = field(time, "Hour"), minute = field(time, "Minute"), second = field(time, "Second");
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    // The camera's doubles are range-checked before any cast (a cast out of range is undefined).
    auto within = [](double v, double low, double high) { return v >= low && v <= high; };
    if (!within(*year, 1, 9999) || !within(*month, 1, 12) || !within(*day, 1, 31) || !within(*hour, 0, 23) ||
        !within(*minute, 0, 59) || !within(*second, 0, 60))
        return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*year)),
                                    std::chrono::month(static_cast<unsigned>(*month)),
                                    std::chrono::day(static_cast<unsigned>(*day))};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(static_cast<int>(*hour)) +
           std::chrono::minutes(static_cast<int>(*minute)) + std::chrono::seconds(static_cast<int>(*second));
}

std::string get_device_information() { return "<tds:GetDeviceInformation/>"; }

void read_device_information(XmlNode body, PtzInfo& info) {
    XmlNode response = body.find(ns::device, "GetDeviceInformationResponse");
    info.manufacturer = response.child(ns::device, "Manufacturer").text();
    info.model = response.child(ns::device, "Model").text();
    info.firmware = response.child(ns::device, "FirmwareVersion").text();
    info.serial = response.child(ns::device, "SerialNumber").text();
}

std::string get_services() { return "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>"; }
std::string get_capabilities() { return "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>"; }

ServiceAddresses read_services(XmlNode body) { return {xaddr_of(body, ns::media), xaddr_of(body, ns::ptz)}; }

ServiceAddresses read_capabilities(XmlNode body) {
    XmlNode capabilities = body.find(ns::device, "Capabilities");
    return {capabilities.child(ns::schema, "Media").child(ns::schema, "XAddr").text(),
            capabilities.child(ns::schema, "PTZ").child(ns::schema, "XAddr").text()};
}

std::string get_profiles() { return "<trt:GetProfiles/>"; }

std::vector<Profile> read_profiles(XmlNode body) {
    std::vector<Profile> out;
    XmlNode response = body.find(ns::media, "GetProfilesResponse");
    for (XmlNode node : response.children(ns::media, "Profiles")) {
        Profile profile;
        profile.token = node.attribute("token").value_or("");
        profile.name = node.child(ns::schema, "Name").text();
        if (XmlNode ptz = node.child(ns::schema, "PTZConfiguration")) {
            profile.ptz_configuration = ptz.attribute("token").value_or("");
            profile.ptz_node = ptz.child(ns::schema, "NodeToken").text();
        }
        out.push_back(std::move(profile));
    }
    return out;
}

std::string get_stream_uri(std::string_view profile) {
    return format_text(
        "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP"
        "</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>{}</trt:ProfileToken></trt:GetStreamUri>",
        xml_escape(profile));
}

std::string read_stream_uri(XmlNode body) {
    return body.find(ns::media, "MediaUri").child(ns::schema, "Uri").text();
}

std::string get_configuration_options(std::string_view configuration_token) {
    return "<tptz:GetConfigurationOptions>" + token_element("ConfigurationToken", configuration_token) +
           "</tptz:GetConfigurationOptions>";
}

void read_configuration_options(XmlNode body, PtzInfo& info) {
    XmlNode spaces = body.find(ns::schema, "Spaces");
    if (XmlNode abs = spaces.child(ns::schema, "AbsolutePanTiltPositionSpace")) {
        info.absolute = true;
        info.pan_range = read_range(abs.child(ns::schema, "XRange"));
        info.tilt_range = read_range(abs.child(ns::schema, "YRange"));
    }
    if (XmlNode abs = spaces.child(ns::schema, "AbsoluteZoomPositionSpace")) {
        info.absolute = true;
        info.zoom_range = read_range(abs.child(ns::schema, "XRange"));
    }
    for (XmlNode rel : spaces.children(ns::schema, "RelativePanTiltTranslationSpace")) {
        std::string uri = rel.child(ns::schema, "URI").text();
        if (uri == fov_space) info.relative_fov = true;
        else if (uri.starts_with(pan_tilt_spaces) || uri.empty()) info.relative = true;
    }
    if (spaces.child(ns::schema, "RelativeZoomTranslationSpace")) info.relative = true;
    if (spaces.child(ns::schema, "ContinuousPanTiltVelocitySpace") || spaces.child(ns::schema, "ContinuousZoomVelocitySpace"))
        info.continuous = true;
    if (XmlNode speed = spaces.child(ns::schema, "PanTiltSpeedSpace"))
        info.speed_range = read_range(speed.child(ns::schema, "XRange"));
}

std::string get_node(std::string_view node_token) {
    return "<tptz:GetNode>" + token_element("NodeToken", node_token) + "</tptz:GetNode>";
}

void read_node(XmlNode body, PtzInfo& info) {
    XmlNode node = body.find(ns::ptz, "PTZNode");
    if (!node) return;
    if (XmlNode home = node.child(ns::schema, "HomeSupported")) info.home = home.text() == "true" || home.text() == "1";
    if (auto max = parse_double(node.child(ns::schema, "MaximumNumberOfPresets").text()); max && *max >= 0) {
        info.max_presets = static_cast<int>(std::min(*max, static_cast<double>(max_presets_cap)));
        info.presets = info.max_presets > 0;
    }
}

std::string continuous_move(std::string_view profile, const Axes& velocity, std::chrono::milliseconds timeout) {
    return format_text("<tptz:ContinuousMove>{}<tptz:Velocity>{}</tptz:Velocity><tptz:Timeout>{}</tptz:Timeout>"
                       "</tptz:ContinuousMove>",
                       token_element("ProfileToken", profile), vector_elements(velocity), duration_text(timeout));
}

std::string relative_move(std::string_view profile, const Axes& step, bool fov, std::optional<double> speed) {
    return format_text("<tptz:RelativeMove>{}<tptz:Translation>{}</tptz:Translation>{}</tptz:RelativeMove>",
                       token_element("ProfileToken", profile), vector_elements(step, fov ? fov_space : ""),
                       speed_element(step, speed));
}

std::string absolute_move(std::string_view profile, const Axes& position, std::optional<double> speed) {
    return format_text("<tptz:AbsoluteMove>{}<tptz:Position>{}</tptz:Position>{}</tptz:AbsoluteMove>",
                       token_element("ProfileToken", profile), vector_elements(position),
                       speed_element(position, speed));
}

std::string stop(std::string_view profile) {
    return "<tptz:Stop>" + token_element("ProfileToken", profile) +
           "<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom></tptz:Stop>";
}

std::string get_status(std::string_view profile) {
    return "<tptz:GetStatus>" + token_element("ProfileToken", profile) + "</tptz:GetStatus>";
}

PtzStatus read_status(XmlNode body) {
    PtzStatus out;
    XmlNode status = body.find(ns::ptz, "PTZStatus");
    out.position = read_vector(status.child(ns::schema, "Position"));
    XmlNode move = status.child(ns::schema, "MoveStatus");
    out.pan_tilt = read_move_state(move.child(ns::schema, "PanTilt"));
    out.zoom = read_move_state(move.child(ns::schema, "Zoom"));
    out.error = status.child(ns::schema, "Error").text();
    return out;
}

std::string get_presets(std::string_view profile) {
    return "<tptz:GetPresets>" + token_element("ProfileToken", profile) + "</tptz:GetPresets>";
}

std::vector<Preset> read_presets(XmlNode body) {
    std::vector<Preset> out;
    XmlNode response = body.find(ns::ptz, "GetPresetsResponse");
    for (XmlNode node : response.children(ns::ptz, "Preset")) {
        Preset preset;
        preset.token = node.attribute("token").value_or("");
        preset.name = node.child(ns::schema, "Name").text();
        preset.position = read_vector(node.child(ns::schema, "PTZPosition"));
        if (!preset.token.empty()) out.push_back(std::move(preset));
    }
    return out;
}

std::string goto_preset(std::string_view profile, std::string_view preset, std::optional<double> speed) {
    return "<tptz:GotoPreset>" + token_element("ProfileToken", profile) + token_element("PresetToken", preset) +
           speed_element(Axes{0.0, 0.0, 0.0}, speed) + "</tptz:GotoPreset>";
}

std::string set_preset(std::string_view profile, std::string_view name) {
    return "<tptz:SetPreset>" + token_element("ProfileToken", profile) + token_element("PresetName", name) +
           "</tptz:SetPreset>";
}

std::string read_preset_token(XmlNode body) { return body.find(ns::ptz, "PresetToken").text(); }

std::string remove_preset(std::string_view profile, std::string_view preset) {
    return "<tptz:RemovePreset>" + token_element("ProfileToken", profile) + token_element("PresetToken", preset) +
           "</tptz:RemovePreset>";
}

std::string goto_home(std::string_view profile, std::optional<double> speed) {
    return "<tptz:GotoHomePosition>" + token_element("ProfileToken", profile) + speed_element(Axes{0.0, 0.0, 0.0}, speed) +
           "</tptz:GotoHomePosition>";
}

std::string set_home(std::string_view profile) {
    return "<tptz:SetHomePosition>" + token_element("ProfileToken", profile) + "</tptz:SetHomePosition>";
}

}  // namespace ptzgrab::ptz::onvif
