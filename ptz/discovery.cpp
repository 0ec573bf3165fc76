#include "discovery.hpp"

#include <cmath>
#include "text_format.hpp"

#include "onvif_calls.hpp"

namespace ptzgrab::ptz {
namespace {

// Errors that end discovery at once, whatever call they come from.
bool fatal(const Error& error) {
    return error.kind == ErrorKind::timeout || error.kind == ErrorKind::source_unreachable ||
           error.kind == ErrorKind::not_authorized || error.kind == ErrorKind::clock_skew;
}

std::size_t path_start(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return std::string::npos;
    return url.find('/', scheme_end + 3);
}

void read_clock(SoapSession& session, const std::string& device_url, PtzInfo& info) {
    auto reply = session.call(device_url, ns::device, "GetSystemDateAndTime", onvif::get_system_date_and_time(), false);
    if (!reply) return;
    auto camera_time = onvif::read_system_date_and_time(reply->body);
    if (!camera_time) return;
    auto ours = session.options().now();
    auto offset = std::chrono::duration<double>(*camera_time - ours).count();
    info.clock_offset = std::chrono::seconds(std::llround(offset));
    session.set_clock_offset(info.clock_offset);
}

Result<onvif::ServiceAddresses> read_addresses(SoapSession& session, const std::string& device_url) {
    auto services = session.call(device_url, ns::device, "GetServices", onvif::get_services());
    if (services) {
        auto addresses = onvif::read_services(services->body);
        if (!addresses.ptz.empty()) return addresses;
    } else if (fatal(services.error())) {
        return std::unexpected(services.error());
    }
    auto capabilities = session.call(device_url, ns::device, "GetCapabilities", onvif::get_capabilities());
    if (!capabilities) return std::unexpected(capabilities.error());
    return onvif::read_capabilities(capabilities->body);
}

Result<onvif::Profile> choose_profile(const std::vector<onvif::Profile>& profiles, const std::string& wanted) {
    for (const auto& profile : profiles) {
        if (wanted.empty() ? !profile.ptz_configuration.empty() : profile.token == wanted) {
            if (profile.ptz_configuration.empty())
                return make_error(ErrorKind::unsupported, format_text("profile {} has no PTZ configuration", wanted));
            return profile;
        }
    }
    if (!wanted.empty()) return make_error(ErrorKind::not_found, format_text("the camera has no profile {}", wanted));
    return make_error(ErrorKind::unsupported, "the camera has no profile with PTZ");
}

}  // namespace

std::string on_device_authority(const std::string& xaddr, const std::string& device_url) {
    auto xaddr_path = path_start(xaddr), device_path = path_start(device_url);
    if (xaddr.empty() || xaddr_path == std::string::npos) return device_url;
    return device_url.substr(0, device_path) + xaddr.substr(xaddr_path);
}

Result<Discovered> discover(SoapSession& session, const OnvifSettings& camera) {
    Discovered out;
    PtzInfo& info = out.info;
    read_clock(session, camera.device_url, info);

    auto device = session.call(camera.device_url, ns::device, "GetDeviceInformation", onvif::get_device_information());
    if (device) onvif::read_device_information(device->body, info);
    else if (fatal(device.error())) return std::unexpected(device.error());

    auto addresses = read_addresses(session, camera.device_url);
    if (!addresses) return std::unexpected(addresses.error());
    if (addresses->ptz.empty()) return make_error(ErrorKind::unsupported, "the camera has no PTZ service");
    info.ptz_service_url = on_device_authority(addresses->ptz, camera.device_url);
    out.media_url = on_device_authority(addresses->media, camera.device_url);

    auto profiles = session.call(out.media_url, ns::media, "GetProfiles", onvif::get_profiles());
    if (!profiles) return std::unexpected(profiles.error());
    auto profile = choose_profile(onvif::read_profiles(profiles->body), camera.profile);
    if (!profile) return std::unexpected(profile.error());
    info.profile_token = profile->token;
    info.profile_name = profile->name;

    auto options = session.call(info.ptz_service_url, ns::ptz, "GetConfigurationOptions",
                                onvif::get_configuration_options(profile->ptz_configuration));
    if (options) onvif::read_configuration_options(options->body, info);
    else if (fatal(options.error())) return std::unexpected(options.error());
    else info.continuous = true;  // the one move every PTZ camera has

    info.home = info.presets = true;  // unless the node says otherwise
    if (!profile->ptz_node.empty()) {
        auto node = session.call(info.ptz_service_url, ns::ptz, "GetNode", onvif::get_node(profile->ptz_node));
        if (node) onvif::read_node(node->body, info);
        else if (fatal(node.error())) return std::unexpected(node.error());
    }
    return out;
}

}  // namespace ptzgrab::ptz
