#include "source_config.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "demo_source.hpp"
#include "url.hpp"
#include "url_userinfo.hpp"

namespace ptzgrab {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr std::array<std::string_view, 14> known_fields{
    "name",  "url",    "max_age_s", "timeout_s", "rtsp_transport", "hls_url",    "width",
    "height", "quality", "live",    "live_idle_s", "live_decode",  "live_fps", "onvif"};
constexpr std::array<std::string_view, 4> known_onvif_fields{"url", "user", "password", "profile"};
constexpr double max_age_limit_s = 86400;
constexpr double timeout_min_s = 0.1, timeout_max_s = 3600;
constexpr double live_idle_min_s = 1, live_idle_max_s = 86400;
constexpr double live_fps_min = 0.01, live_fps_max = 60;

// Builds "FILE: sources[I].FIELD: WHAT" errors.
struct Place {
    const std::string& file;
    size_t index;
    std::unexpected<Error> fail(std::string_view field, const std::string& what) const {
        return make_error(ErrorKind::invalid_input,
                          file + ": sources[" + std::to_string(index) + "]." + std::string(field) + ": " + what);
    }
};

Result<double> number_in(const Place& at, const json::object& o, std::string_view field, double low, double high) {
    const json::value& v = o.at(field);
    if (!v.is_number()) return at.fail(field, "must be a number");
    double d = v.to_number<double>();
    if (!(d >= low && d <= high))
        return at.fail(field, "must be between " + json::serialize(json::value(low)) + " and " +
                                  json::serialize(json::value(high)));
    return d;
}

Result<int> integer_in(const Place& at, const json::object& o, std::string_view field, int low, int high) {
    const json::value& v = o.at(field);
    std::string range = " between " + std::to_string(low) + " and " + std::to_string(high);
    if (!v.is_int64() && !v.is_uint64()) return at.fail(field, "must be an integer" + range);
    auto n = v.is_int64() ? v.as_int64() : static_cast<int64_t>(std::min<uint64_t>(v.as_uint64(), INT64_MAX));
    if (n < low || n > high) return at.fail(field, "must be an integer" + range);
    return static_cast<int>(n);
}

Result<std::string> text_of(const Place& at, const json::object& o, std::string_view field) {
    const json::value& v = o.at(field);
    if (!v.is_string()) return at.fail(field, "must be a string");
    return std::string(v.as_string());
}

// The first key of `o` not in `known`, as an "unknown field" error on `prefix` + key.
template <size_t N>
Result<void> refuse_unknown(const Place& at, const json::object& o, const std::array<std::string_view, N>& known,
                            std::string_view prefix) {
    for (const auto& [key, value] : o) {
        if (std::ranges::find(known, std::string_view(key)) != known.end()) continue;
        std::string names;
        for (std::string_view f : known) names += (names.empty() ? "" : ", ") + std::string(f);
        return at.fail(std::string(prefix) + std::string(key), "unknown field (known: " + names + ")");
    }
    return {};
}

Result<void> check_fields(const Place& at, const json::object& o) {
    if (auto ok = refuse_unknown(at, o, known_fields, ""); !ok) return ok;
    if (!o.contains("name")) return at.fail("name", "missing (every source needs a name)");
    if (!o.contains("url")) return at.fail("url", "missing (every source needs a url)");
    return {};
}

Result<void> read_identity(const Place& at, const json::object& o, SourceConfig& s) {
    auto name = text_of(at, o, "name");
    if (!name) return std::unexpected(name.error());
    if (!is_valid_source_name(*name)) return at.fail("name", "use 1-64 letters, digits, '.', '_' or '-'");
    s.name = *name;
    auto url = text_of(at, o, "url");
    if (!url) return std::unexpected(url.error());
    if (classify_source(*url) == SourceKind::unsupported)
        return at.fail("url", "unsupported URL " + mask_credentials(*url) +
                                  " (use rtsp://, rtsps://, http(s)://, a file path or lavfi:)");
    s.grab.url = *url;
    if (o.contains("hls_url")) {
        auto hls = text_of(at, o, "hls_url");
        if (!hls) return std::unexpected(hls.error());
        SourceKind kind = classify_source(*hls);
        if (!hls->starts_with('/') && kind != SourceKind::hls && kind != SourceKind::http)
            return at.fail("hls_url", "must be an http(s):// URL or a path on this server such as /assets/...");
        s.hls_url = *hls;
    }
    return {};
}

Result<void> read_timing(const Place& at, const json::object& o, SourceConfig& s) {
    if (o.contains("max_age_s")) {
        auto v = number_in(at, o, "max_age_s", 0.001, max_age_limit_s);
        if (!v) return std::unexpected(v.error());
        s.max_age = milliseconds(std::llround(*v * 1000));
    }
    if (o.contains("timeout_s")) {
        auto v = number_in(at, o, "timeout_s", timeout_min_s, timeout_max_s);
        if (!v) return std::unexpected(v.error());
        s.grab.timeout = milliseconds(std::llround(*v * 1000));
    }
    if (o.contains("rtsp_transport")) {
        auto v = text_of(at, o, "rtsp_transport");
        if (!v) return std::unexpected(v.error());
        if (*v != "tcp" && *v != "udp") return at.fail("rtsp_transport", "must be \"tcp\" or \"udp\"");
        s.grab.rtsp_transport = *v == "udp" ? RtspTransport::udp : RtspTransport::tcp;
    }
    return {};
}

Result<void> read_render(const Place& at, const json::object& o, SourceConfig& s) {
    for (auto [field, target, low, high] : {std::tuple{"width", &s.render.width, min_frame_side_px, max_render_side_px},
                                            std::tuple{"height", &s.render.height, min_frame_side_px, max_render_side_px},
                                            std::tuple{"quality", &s.render.quality, 1, 100}}) {
        if (!o.contains(field)) continue;
        auto v = integer_in(at, o, field, low, high);
        if (!v) return std::unexpected(v.error());
        *target = *v;
    }
    return {};
}

// A text field that must be one of a few names; `parse` maps a name to its value.
template <class Value>
Result<Value> choice_of(const Place& at, const json::object& o, std::string_view field,
                        std::optional<Value> (*parse)(std::string_view), const char* choices) {
    auto text = text_of(at, o, field);
    if (!text) return std::unexpected(text.error());
    auto value = parse(*text);
    if (!value) return at.fail(field, std::string("must be ") + choices);
    return *value;
}

// live, live_idle_s, live_decode, live_fps: the URL decides the defaults (see default_live_options).
Result<void> read_live(const Place& at, const json::object& o, SourceConfig& s) {
    if (o.contains("live")) {
        auto mode = choice_of(at, o, "live", parse_live_mode, "\"off\", \"on_demand\" or \"always\"");
        if (!mode) return std::unexpected(mode.error());
        s.live.mode = *mode;
    }
    if (o.contains("live_idle_s")) {
        auto v = number_in(at, o, "live_idle_s", live_idle_min_s, live_idle_max_s);
        if (!v) return std::unexpected(v.error());
        s.live.idle = std::chrono::seconds(std::llround(*v));
    }
    if (o.contains("live_decode")) {
        auto decode = choice_of(at, o, "live_decode", parse_live_decode, "\"keyframes\" or \"all\"");
        if (!decode) return std::unexpected(decode.error());
        s.live.decode = *decode;
    }
    if (o.contains("live_fps")) {
        auto v = number_in(at, o, "live_fps", live_fps_min, live_fps_max);
        if (!v) return std::unexpected(v.error());
        s.live.fps = *v;
    }
    if (s.live.mode != LiveMode::off && !is_network(classify_source(s.grab.url)))
        return at.fail("live", "only network sources (rtsp, http, hls) can be held open; use \"off\"");
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
Result<void> read_onvif(const Place& at, const json::object& source, SourceConfig& s) {
    if (!source.contains("onvif")) return {};
    const json::value& v = source.at("onvif");
    if (!v.is_object()) return at.fail("onvif", "must be an object {\"url\", \"user\", \"password\", \"profile\"}");
    const json::object& o = v.as_object();
    if (auto ok = refuse_unknown(at, o, known_onvif_fields, "onvif."); !ok) return ok;
    if (!o.contains("url")) return at.fail("onvif.url", "missing (http://HOST[:PORT]/onvif/device_service)");
    std::string text[4];
    for (size_t i = 0; i < known_onvif_fields.size(); ++i) {
        std::string_view field = known_onvif_fields[i];
        if (!o.contains(field)) continue;
        if (!o.at(field).is_string()) return at.fail("onvif." + std::string(field), "must be a string");
        text[i] = std::string(o.at(field).as_string());
    }
    const std::string& url = text[0];
    if (!is_http_url_with_host(url))
        return at.fail("onvif.url", "must be an http:// URL such as http://HOST[:PORT]/onvif/device_service (not " +
                                        mask_credentials(url) + "; https is not supported)");
    UrlCredentials from_onvif = credentials_of(url), from_stream = credentials_of(s.grab.url);
    const UrlCredentials& fallback = from_onvif.user.empty() ? from_stream : from_onvif;
    OnvifSettings onvif;
    onvif.device_url = without_credentials(url);
    onvif.user = o.contains("user") ? text[1] : fallback.user;
    onvif.password = o.contains("password") ? text[2] : fallback.password;
    onvif.profile = text[3];
    s.onvif = std::move(onvif);
    return {};
}

Result<SourceConfig> read_source(const Place& at, const json::value& v, const SourceDefaults& defaults) {
    if (!v.is_object())
        return make_error(ErrorKind::invalid_input,
                          at.file + ": sources[" + std::to_string(at.index) + "]: must be an object {\"name\", \"url\", ...}");
    const json::object& o = v.as_object();
    SourceConfig s;
    s.max_age = defaults.max_age;
    if (auto ok = check_fields(at, o); !ok) return std::unexpected(ok.error());
    for (auto step : {read_identity, read_timing, read_render, read_onvif})
        if (auto ok = step(at, o, s); !ok) return std::unexpected(ok.error());
    s.live = default_live_options(s.grab.url, defaults);
    if (auto ok = read_live(at, o, s); !ok) return std::unexpected(ok.error());
    return s;
}

// The JSON value, or an error with the line where parsing stopped.
Result<json::value> parse_json(std::string_view text, const std::string& file) {
    json::stream_parser parser;
    boost::system::error_code ec;
    size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (!ec) return parser.release();
    size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + std::min(used, text.size()), '\n'));
    return make_error(ErrorKind::invalid_input, file + ": not valid JSON near line " + std::to_string(line) + ": " +
                                                    ec.message());
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

Result<std::vector<SourceConfig>> parse_source_config(std::string_view text, const std::string& file,
                                                      const SourceDefaults& defaults) {
    auto root = parse_json(text, file);
    if (!root) return std::unexpected(root.error());
    const json::value* list = &*root;
    if (root->is_object() && root->as_object().size() == 1 && root->as_object().contains("sources"))
        list = &root->as_object().at("sources");
    if (!list->is_array() || list->as_array().empty())
        return make_error(ErrorKind::invalid_input, file + ": sources: must be a non-empty list of sources");
    std::vector<SourceConfig> out;
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < list->as_array().size(); ++i) {
        Place at{file, i};
        auto source = read_source(at, list->as_array()[i], defaults);
        if (!source) return std::unexpected(source.error());
        if (auto [it, fresh] = seen.emplace(source->name, i); !fresh)
            return at.fail("name", "duplicate name \"" + source->name + "\" (also sources[" + std::to_string(it->second) + "])");
        out.push_back(std::move(*source));
    }
    return out;
}

Result<std::vector<SourceConfig>> load_source_config(const std::filesystem::path& file, const SourceDefaults& defaults) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorKind::io_error, file.string() + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    return parse_source_config(text.str(), file.string(), defaults);
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
