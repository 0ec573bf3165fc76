#include "source_config_text.hpp"

#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "json_text.hpp"
#include "url.hpp"

namespace ptzgrab {
namespace {

// A double-quoted YAML string: JSON's escapes are YAML's, and quotes keep "123" or "true" text.
std::string yaml_quoted(std::string_view text) { return json_text(boost::json::string(text)); }

// The shortest form that reads back the same: 2.5, 0.1, 86400.
std::string number(double value) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : "0";
}

std::string seconds_of(std::chrono::milliseconds ms) { return number(static_cast<double>(ms.count()) / 1000); }

class Writer {
public:
    void field(std::string_view key, const std::string& value) { out_ += indent_ + std::string(key) + ": " + value + "\n"; }
    void absent(std::string_view key, std::string_view meaning) {
        out_ += indent_ + "# " + std::string(key) + ": " + std::string(meaning) + "\n";
    }
    void source(const SourceConfig& s);
    std::string take() { return std::move(out_); }

private:
    void onvif(const OnvifSettings& o);
    std::string out_ = "sources:\n";
    std::string indent_ = "    ";
};

void Writer::source(const SourceConfig& s) {
    out_ += "  - name: " + yaml_quoted(s.name) + "\n";
    field("url", yaml_quoted(mask_credentials(s.grab.url)));
    field("max_age_s", seconds_of(s.max_age));
    field("timeout_s", seconds_of(s.grab.timeout));
    field("rtsp_transport", s.grab.rtsp_transport == RtspTransport::udp ? "udp" : "tcp");
    if (s.hls_url.empty()) absent("hls_url", "none (the view page shows snapshots only)");
    else field("hls_url", yaml_quoted(mask_credentials(s.hls_url)));
    for (auto [key, side] : {std::pair{"width", s.render.width}, std::pair{"height", s.render.height}}) {
        if (side > 0) field(key, std::to_string(side));
        else absent(key, "the camera's (kept in proportion when the other is set)");
    }
    field("quality", std::to_string(s.render.quality));
    field("live", std::string(to_string(s.live.mode)));
    field("live_idle_s", std::to_string(s.live.idle.count()));
    field("live_decode", std::string(to_string(s.live.decode)));
    field("live_fps", number(s.live.fps));
    if (s.onvif) onvif(*s.onvif);
    else absent("onvif", "none (no PTZ)");
}

void Writer::onvif(const OnvifSettings& o) {
    out_ += indent_ + "onvif:\n";
    indent_ = "      ";
    field("url", yaml_quoted(mask_credentials(o.device_url)));
    if (o.user.empty()) absent("user", "none");
    else field("user", yaml_quoted(o.user));
    if (o.password.empty()) absent("password", "none");
    else field("password", yaml_quoted("***"));  // never the password, not even its length
    if (o.profile.empty()) absent("profile", "the first media profile with a PTZ configuration");
    else field("profile", yaml_quoted(o.profile));
    indent_ = "    ";
}

}  // namespace

std::string effective_config_yaml(const std::vector<SourceConfig>& sources) {
    Writer out;
    for (const SourceConfig& s : sources) out.source(s);
    return out.take();
}

}  // namespace ptzgrab
