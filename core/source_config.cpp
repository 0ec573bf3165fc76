#include "source_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "config_tree.hpp"
#include "demo_source.hpp"
#include "url.hpp"
#include "url_userinfo.hpp"

namespace ptzgrab {
namespace {

using std::chrono::milliseconds;
using Kind = ConfigNode::Kind;

constexpr std::array<std::string_view, 14> known_fields{
    "name",  "url",    "max_age_s", "timeout_s", "rtsp_transport", "hls_url",    "width",
    "height", "quality", "live",    "live_idle_s", "live_decode",  "live_fps", "onvif"};
constexpr std::array<std::string_view, 4> known_onvif_fields{"url", "user", "password", "profile"};
constexpr double max_age_limit_s = 86400;
constexpr double timeout_min_s = 0.1, timeout_max_s = 3600;
constexpr double live_idle_min_s = 1, live_idle_max_s = 86400;
constexpr double live_fps_min = 0.01, live_fps_max = 60;

// 0.001, 86400: as an operator writes them.
std::string number_text(double d) {
    std::ostringstream out;
    out << d;
    return out.str();
}

// Builds "FILE:LINE:COLUMN: sources[I].FIELD: WHAT" errors; without a mark, the source's own place.
struct Place {
    const std::string& file;
    size_t index;
    const ConfigNode& source;
    std::unexpected<Error> fail(std::string_view field, const std::string& what, ConfigMark at) const {
        return make_error(ErrorKind::invalid_input, located(file, at) + ": sources[" + std::to_string(index) + "]." +
                                                        std::string(field) + ": " + what);
    }
    std::unexpected<Error> fail(std::string_view field, const std::string& what, const ConfigNode* at = nullptr) const {
        return fail(field, what, (at ? at : &source)->mark);
    }
};

Result<double> number_in(const Place& at, const ConfigNode& o, std::string_view field, double low, double high) {
    const ConfigNode& v = *o.find(field);
    std::string range = "must be a number between " + number_text(low) + " and " + number_text(high);
    bool numeric = v.kind == Kind::integer || v.kind == Kind::number;
    if (!numeric || !(v.number >= low && v.number <= high)) return at.fail(field, range, &v);  // NaN fails too
    return v.number;
}

Result<int> integer_in(const Place& at, const ConfigNode& o, std::string_view field, int low, int high) {
    const ConfigNode& v = *o.find(field);
    std::string range = " between " + std::to_string(low) + " and " + std::to_string(high);
    if (v.kind != Kind::integer || v.integer < low || v.integer > high)
        return at.fail(field, "must be an integer" + range, &v);
    return static_cast<int>(v.integer);
}

// A plain 1234 or true is not text in YAML: say how to make it so. A secret's value is never
// echoed (a numeric camera PIN would land in the log of a refused reload).
std::unexpected<Error> not_text(const Place& at, std::string_view field, const ConfigNode& v, bool secret = false) {
    bool scalar = v.kind == Kind::boolean || v.kind == Kind::integer || v.kind == Kind::number;
    if (!scalar || !v.plain) return at.fail(field, "must be a string", &v);
    return at.fail(field, secret ? "must be a string (put it in quotes)" : "must be a string (put " + v.scalar + " in quotes)", &v);
}

Result<std::string> text_of(const Place& at, const ConfigNode& o, std::string_view field) {
    const ConfigNode& v = *o.find(field);
    if (v.kind != Kind::text) return not_text(at, field, v);
    return v.scalar;
}

// The first key of `o` not in `known`, as an "unknown field" error on `prefix` + key, at the key.
template <size_t N>
Result<void> refuse_unknown(const Place& at, const ConfigNode& o, const std::array<std::string_view, N>& known,
                            std::string_view prefix) {
    for (const ConfigField& f : o.fields) {
        if (std::ranges::find(known, std::string_view(f.key)) != known.end()) continue;
        std::string names;
        for (std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
        return at.fail(std::string(prefix) + f.key, "unknown field (known: " + names + ")", f.key_mark);
    }
    return {};
}

Result<void> check_fields(const Place& at, const ConfigNode& o) {
    if (auto ok = refuse_unknown(at, o, known_fields, ""); !ok) return ok;
    if (!o.find("name")) return at.fail("name", "missing (every source needs a name)");
    if (!o.find("url")) return at.fail("url", "missing (every source needs a url)");
    return {};
}

Result<void> read_identity(const Place& at, const ConfigNode& o, SourceConfig& s) {
    auto name = text_of(at, o, "name");
    if (!name) return std::unexpected(name.error());
    if (!is_valid_source_name(*name))
        return at.fail("name", "use 1-64 letters, digits, '.', '_' or '-'", o.find("name"));
    s.name = *name;
    auto url = text_of(at, o, "url");
    if (!url) return std::unexpected(url.error());
    if (classify_source(*url) == SourceKind::unsupported)
        return at.fail("url", "unsupported URL " + mask_credentials(*url) +
                                  " (use rtsp://, rtsps://, http(s)://, a file path or lavfi:)", o.find("url"));
    s.grab.url = *url;
    if (o.find("hls_url")) {
        auto hls = text_of(at, o, "hls_url");
        if (!hls) return std::unexpected(hls.error());
        SourceKind kind = classify_source(*hls);
        if (!hls->starts_with('/') && kind != SourceKind::hls && kind != SourceKind::http)
            return at.fail("hls_url", "must be an http(s):// URL or a path on this server such as /assets/...",
                           o.find("hls_url"));
        s.hls_url = *hls;
    }
    return {};
}

Result<void> read_timing(const Place& at, const ConfigNode& o, SourceConfig& s) {
    if (o.find("max_age_s")) {
        auto v = number_in(at, o, "max_age_s", 0.001, max_age_limit_s);
        if (!v) return std::unexpected(v.error());
        s.max_age = milliseconds(std::llround(*v * 1000));
    }
    if (o.find("timeout_s")) {
        auto v = number_in(at, o, "timeout_s", timeout_min_s, timeout_max_s);
        if (!v) return std::unexpected(v.error());
        s.grab.timeout = milliseconds(std::llround(*v * 1000));
    }
    if (o.find("rtsp_transport")) {
        auto v = text_of(at, o, "rtsp_transport");
        if (!v) return std::unexpected(v.error());
        if (*v != "tcp" && *v != "udp")
            return at.fail("rtsp_transport", "must be \"tcp\" or \"udp\"", o.find("rtsp_transport"));
        s.grab.rtsp_transport = *v == "udp" ? RtspTransport::udp : RtspTransport::tcp;
    }
    return {};
}

Result<void> read_render(const Place& at, const ConfigNode& o, SourceConfig& s) {
    for (auto [field, target, low, high] : {std::tuple{"width", &s.render.width, min_frame_side_px, max_render_side_px},
                                            std::tuple{"height", &s.render.height, min_frame_side_px, max_render_side_px},
                                            std::tuple{"quality", &s.render.quality, 1, 100}}) {
        if (!o.find(field)) continue;
        auto v = integer_in(at, o, field, low, high);
        if (!v) return std::unexpected(v.error());
        *target = *v;
    }
    return {};
}

// A text field that must be one of a few names; `parse` maps a name to its value.
template <class Value>
Result<Value> choice_of(const Place& at, const ConfigNode& o, std::string_view field,
                        std::optional<Value> (*parse)(std::string_view), const char* choices) {
    auto text = text_of(at, o, field);
    if (!text) return std::unexpected(text.error());
    auto value = parse(*text);
    if (!value) return at.fail(field, std::string("must be ") + choices, o.find(field));
    return *value;
}

// live, live_idle_s, live_decode, live_fps: the URL decides the defaults (see default_live_options).
Result<void> read_live(const Place& at, const ConfigNode& o, SourceConfig& s) {
    if (o.find("live")) {
        auto mode = choice_of(at, o, "live", parse_live_mode, "\"off\", \"on_demand\" or \"always\"");
        if (!mode) return std::unexpected(mode.error());
        s.live.mode = *mode;
    }
    if (o.find("live_idle_s")) {
        auto v = number_in(at, o, "live_idle_s", live_idle_min_s, live_idle_max_s);
        if (!v) return std::unexpected(v.error());
        s.live.idle = std::chrono::seconds(std::llround(*v));
    }
    if (o.find("live_decode")) {
        auto decode = choice_of(at, o, "live_decode", parse_live_decode, "\"keyframes\" or \"all\"");
        if (!decode) return std::unexpected(decode.error());
        s.live.decode = *decode;
    }
    if (o.find("live_fps")) {
        auto v = number_in(at, o, "live_fps", live_fps_min, live_fps_max);
        if (!v) return std::unexpected(v.error());
        s.live.fps = *v;
    }
    if (s.live.mode != LiveMode::off && !is_network(classify_source(s.grab.url)))
        return at.fail("live", "only network sources (rtsp, http, hls) can be held open; use \"off\"",
                       o.find("live") ? o.find("live") : o.find("url"));
    return {};
}

bool is_http_url_with_host(std::string_view url) {
    if (url.size() < 7 || !std::ranges::equal(url.substr(0, 7), std::string_view("http://"),
                                              [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
        return false;
    std::string bare = without_credentials(url);
    return bare.size() > 7 && bare.find_first_of("/?#", 7) != 7;
}

// "onvif": {url, user, password, profile}: user and password default to the onvif URL's userinfo,
// then the stream URL's. The password is never put in a message.
Result<void> read_onvif(const Place& at, const ConfigNode& source, SourceConfig& s) {
    const ConfigNode* v = source.find("onvif");
    if (!v) return {};
    if (v->kind != Kind::map) return at.fail("onvif", "must be an object {\"url\", \"user\", \"password\", \"profile\"}", v);
    const ConfigNode& o = *v;
    if (auto ok = refuse_unknown(at, o, known_onvif_fields, "onvif."); !ok) return ok;
    if (!o.find("url")) return at.fail("onvif.url", "missing (http://HOST[:PORT]/onvif/device_service)", v);
    std::string text[4];
    for (size_t i = 0; i < known_onvif_fields.size(); ++i) {
        const ConfigNode* field = o.find(known_onvif_fields[i]);
        if (!field) continue;
        if (field->kind != Kind::text)
            return not_text(at, "onvif." + std::string(known_onvif_fields[i]), *field,
                            known_onvif_fields[i] == "user" || known_onvif_fields[i] == "password");
        text[i] = field->scalar;
    }
    const std::string& url = text[0];
    if (!is_http_url_with_host(url))
        return at.fail("onvif.url", "must be an http:// URL such as http://HOST[:PORT]/onvif/device_service (not " +
                                        mask_credentials(url) + "; https is not supported)", o.find("url"));
    UrlCredentials from_onvif = credentials_of(url), from_stream = credentials_of(s.grab.url);
    const UrlCredentials& fallback = from_onvif.user.empty() ? from_stream : from_onvif;
    OnvifSettings onvif;
    onvif.device_url = without_credentials(url);
    onvif.user = o.find("user") ? text[1] : fallback.user;
    onvif.password = o.find("password") ? text[2] : fallback.password;
    onvif.profile = text[3];
    s.onvif = std::move(onvif);
    return {};
}

Result<SourceConfig> read_source(const Place& at, const SourceDefaults& defaults) {
    const ConfigNode& o = at.source;
    if (o.kind != Kind::map)
        return make_error(ErrorKind::invalid_input, located(at.file, o.mark) + ": sources[" + std::to_string(at.index) +
                                                        "]: must be an object {\"name\", \"url\", ...}");
    SourceConfig s;
    s.max_age = defaults.max_age;
    if (auto ok = check_fields(at, o); !ok) return std::unexpected(ok.error());
    for (auto step : {read_identity, read_timing, read_render, read_onvif})
        if (auto ok = step(at, o, s); !ok) return std::unexpected(ok.error());
    s.live = default_live_options(s.grab.url, defaults);
    if (auto ok = read_live(at, o, s); !ok) return std::unexpected(ok.error());
    return s;
}

}  // namespace

LiveOptions default_live_options(const std::string& url, const SourceDefaults& defaults) {
    LiveOptions live;
    live.idle = defaults.live_idle;
    // A local file or lavfi pattern has no stream to hold open; a camera has.
    bool network = is_network(classify_source(url));
    live.mode = network ? defaults.live_mode.value_or(LiveMode::on_demand) : LiveMode::off;
    return live;
}

bool is_valid_source_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '.') return false;
    return std::ranges::all_of(name, [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
}

Result<std::vector<SourceConfig>> parse_source_config(std::string_view yaml_text, const std::string& file,
                                                      const SourceDefaults& defaults) {
    auto root = parse_config_tree(yaml_text, file);
    if (!root) return std::unexpected(root.error());
    const ConfigNode* list = &*root;
    if (root->kind == Kind::map) {
        // x-NAME: keys hold anchors for the sources to merge (`<<: *NAME`), as in docker compose files.
        for (const ConfigField& f : root->fields)
            if (f.key != "sources" && !f.key.starts_with("x-"))
                return make_error(ErrorKind::invalid_input,
                                  located(file, f.key_mark) + ": " + f.key +
                                      ": unknown field (the file holds sources: [...], and x-NAME: for anchors)");
        if (root->find("sources")) list = root->find("sources");
    }
    if (list->kind != Kind::list || list->items.empty())
        return make_error(ErrorKind::invalid_input,
                          located(file, list->mark) + ": sources: must be a non-empty list of sources");
    std::vector<SourceConfig> out;
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < list->items.size(); ++i) {
        Place at{file, i, list->items[i]};
        auto source = read_source(at, defaults);
        if (!source) return std::unexpected(source.error());
        if (auto [it, fresh] = seen.emplace(source->name, i); !fresh)
            return at.fail("name", "duplicate name \"" + source->name + "\" (also sources[" + std::to_string(it->second) + "])",
                           at.source.find("name"));
        out.push_back(std::move(*source));
    }
    return out;
}

Result<std::vector<SourceConfig>> load_source_config(const std::filesystem::path& file, const SourceDefaults& defaults) {
    constexpr std::streamsize max_config_bytes = 1 << 20;  // a camera file is kilobytes; /dev/zero must not hang
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorKind::io_error, file.string() + ": cannot be read");
    std::string text(max_config_bytes + 1, '\0');
    in.read(text.data(), max_config_bytes + 1);
    if (in.bad()) return make_error(ErrorKind::io_error, file.string() + ": cannot be read");
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > static_cast<size_t>(max_config_bytes))
        return make_error(ErrorKind::invalid_input, file.string() + ": larger than 1 MiB; not a camera file");
    return parse_source_config(text, file.string(), defaults);
}

Result<SourceConfig> url_source_config(const std::string& url, const SourceDefaults& defaults) {
    if (classify_source(url) == SourceKind::unsupported)
        return make_error(ErrorKind::invalid_input, "--url: unsupported URL " + mask_credentials(url) +
                                                        " (use rtsp://, rtsps://, http(s)://, a file path or lavfi:)");
    SourceConfig s;
    s.name = "camera";
    s.grab.url = url;
    s.max_age = defaults.max_age;
    s.live = default_live_options(url, defaults);
    return s;
}

SourceConfig demo_source_config(const SourceDefaults& defaults) {
    SourceConfig s;
    s.name = std::string(demo_source_name);
    s.grab.url = std::string(demo_source_url);
    s.max_age = defaults.max_age;
    s.hls_url = "/assets/demo/index.m3u8";
    return s;
}

}  // namespace ptzgrab
