#pragma once
// ONVIF request bodies and reply readers, one pair per operation, free of transport and auth, so
// each is tested on recorded camera replies.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "ptz_types.hpp"
#include "xml_reader.hpp"

namespace ptzgrab::ptz::onvif {

/// The SOAP action URI of `operation` in the service `service_ns` (ns::device, ns::media, ns::ptz).
std::string action(std::string_view service_ns, std::string_view operation);

// Device service.
std::string get_system_date_and_time();
/// The camera's UTC clock, if the reply carries a valid UTCDateTime.
std::optional<std::chrono::system_clock::time_point> read_system_date_and_time(XmlNode body);
std::string get_device_information();
void read_device_information(XmlNode body, PtzInfo& info);
std::string get_services();
std::string get_capabilities();
struct ServiceAddresses {
    std::string media, ptz;  // XAddr URLs, empty when absent
};
ServiceAddresses read_services(XmlNode body);
ServiceAddresses read_capabilities(XmlNode body);

// Media service.
std::string get_profiles();
struct Profile {
    std::string token, name, ptz_configuration, ptz_node;  // ptz_configuration empty: no PTZ
};
std::vector<Profile> read_profiles(XmlNode body);
std::string get_stream_uri(std::string_view profile);
std::string read_stream_uri(XmlNode body);

// PTZ service.
std::string get_configuration_options(std::string_view configuration_token);
void read_configuration_options(XmlNode body, PtzInfo& info);
std::string get_node(std::string_view node_token);
void read_node(XmlNode body, PtzInfo& info);

std::string continuous_move(std::string_view profile, const Axes& velocity, std::chrono::milliseconds timeout);
/// `fov`: the translation is in TranslationSpaceFov. `speed`: already in the camera's speed space.
std::string relative_move(std::string_view profile, const Axes& step, bool fov, std::optional<double> speed);
std::string absolute_move(std::string_view profile, const Axes& position, std::optional<double> speed);
std::string stop(std::string_view profile);
std::string get_status(std::string_view profile);
PtzStatus read_status(XmlNode body);
std::string get_presets(std::string_view profile);
std::vector<Preset> read_presets(XmlNode body);
std::string goto_preset(std::string_view profile, std::string_view preset, std::optional<double> speed);
std::string set_preset(std::string_view profile, std::string_view name);
std::string read_preset_token(XmlNode body);
std::string remove_preset(std::string_view profile, std::string_view preset);
std::string goto_home(std::string_view profile, std::optional<double> speed);
std::string set_home(std::string_view profile);

/// "PT1.5S": an xs:duration of whole milliseconds.
std::string duration_text(std::chrono::milliseconds duration);

}  // namespace ptzgrab::ptz::onvif
