#include "ptz_target.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "core/source_config.hpp"
#include "core/url.hpp"
#include "core/url_userinfo.hpp"
#include "exit_codes.hpp"

namespace ptzgrab::cli {
namespace {

constexpr const char* password_variable = "PTZGRAB_ONVIF_PASSWORD";

std::unexpected<Error> usage(std::string message) {
    return make_error(ErrorKind::invalid_input, std::move(message));
}

bool is_http(const std::string& url) {
    std::string head = url.substr(0, 7);
    std::ranges::transform(head, head.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return head == "http://" && url.size() > 7;
}

void apply_overrides(const PtzOptions& o, OnvifSettings& camera) {
    if (!o.user.empty()) camera.user = o.user;
    if (!o.password.empty()) camera.password = o.password;
    if (camera.password.empty())
        if (const char* env = std::getenv(password_variable)) camera.password = env;
    if (!o.profile.empty()) camera.profile = o.profile;
}

Result<PtzTarget> from_url(const PtzOptions& o) {
    if (!is_http(o.onvif))
        return usage("--onvif: " + mask_credentials(o.onvif) +
                     " is not an http:// URL (http://HOST[:PORT]/onvif/device_service; https is not supported)");
    UrlCredentials userinfo = credentials_of(o.onvif);
    PtzTarget target;
    target.camera.device_url = without_credentials(o.onvif);
    target.camera.user = userinfo.user;
    target.camera.password = userinfo.password;
    apply_overrides(o, target.camera);
    return target;
}

std::string names_of(const std::vector<SourceConfig>& sources, bool steerable_only) {
    std::string names;
    for (const SourceConfig& s : sources)
        if (!steerable_only || s.onvif) names += (names.empty() ? "" : ", ") + s.name;
    return names.empty() ? "none" : names;
}

Result<PtzTarget> from_config(const PtzOptions& o) {
    auto sources = load_source_config(o.config);
    if (!sources) return usage(sources.error().message);
    auto found = std::ranges::find(*sources, o.source, &SourceConfig::name);
    if (found == sources->end())
        return usage(o.config + " has no source named \"" + o.source + "\" (sources with onvif settings: " +
                     names_of(*sources, true) + ")");
    if (!found->onvif)
        return usage("source \"" + o.source + "\" in " + o.config +
                     " has no \"onvif\" settings, so it cannot be steered (add \"onvif\": {\"url\": "
                     "\"http://HOST/onvif/device_service\"}; sources with onvif settings: " +
                     names_of(*sources, true) + ")");
    PtzTarget target{*found->onvif, found->grab.url};
    apply_overrides(o, target.camera);
    return target;
}

}  // namespace

Result<PtzTarget> resolve_target(const PtzOptions& o) {
    bool by_url = !o.onvif.empty(), by_config = !o.config.empty() || !o.source.empty();
    if (by_url && by_config) return usage("give either --onvif URL or --config FILE --source NAME, not both");
    if (by_url) return from_url(o);
    if (!by_config)
        return usage("which camera? give --onvif http://HOST[:PORT]/onvif/device_service or --config FILE --source NAME");
    if (o.config.empty()) return usage("--source needs --config FILE");
    if (o.source.empty()) {
        auto sources = load_source_config(o.config);
        std::string names = sources ? names_of(*sources, true) : "none";
        return usage("--config needs --source NAME (sources with onvif settings: " + names + ")");
    }
    return from_config(o);
}

Error scrubbed(Error error, const OnvifSettings& camera) {
    return masked_login_error(std::move(error), camera.device_url, {camera.user, camera.password});
}

int print_ptz_error(const Error& unsafe, const OnvifSettings& camera) {
    Error error = scrubbed(unsafe, camera);
    std::cerr << "ptzgrab: " << to_string(error.kind) << ": " << error.message;
    if (!error.detail.empty()) std::cerr << " (" << error.detail << ")";
    std::cerr << "\n";
    return exit_code_for(error.kind);
}

}  // namespace ptzgrab::cli
