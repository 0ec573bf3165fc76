#pragma once
// The sources `ptzgrab serve` offers: from a YAML (or JSON) config file, one --url, or the built-in demo.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "frame_cache.hpp"

namespace ptzgrab {

struct SourceDefaults {
    std::chrono::milliseconds max_age{5000};  // --max-age, for sources without max_age_s
    /// --live, for sources without "live"; unset: on_demand for network sources, off for local ones.
    std::optional<LiveMode> live_mode;
    std::chrono::seconds live_idle{300};      // --live-idle, for sources without live_idle_s
};

/// The live options a source gets when its config says nothing: `defaults`, then its URL's kind.
LiveOptions default_live_options(const std::string& url, const SourceDefaults& defaults);

/// Reads a config file: YAML (comments, anchors and `<<: *merge` welcome; JSON is YAML too), a list
/// of sources or {sources: [...]} (beside which x-NAME: keys may hold anchors), each
/// {name, url, max_age_s, timeout_s, rtsp_transport, hls_url, width, height, quality,
/// live, live_idle_s, live_decode, live_fps, onvif}
/// (name and url required; unknown fields refused). Errors (invalid_input, io_error) read
/// "FILE:LINE:COLUMN: sources[I].FIELD: what is wrong" (line and column 1-based).
/// "onvif": {"url": "http://HOST[:PORT]/onvif/device_service", "user": U, "password": P, "profile": TOKEN}
/// makes the source steerable (url required, http:// only; profile optional). user and password default
/// to the userinfo of onvif.url, else of the stream url, percent-decoded; the password is never printed.
Result<std::vector<SourceConfig>> load_source_config(const std::filesystem::path& file,
                                                     const SourceDefaults& defaults = {});

/// The same from text (YAML or JSON); `file_label` names it in error messages.
Result<std::vector<SourceConfig>> parse_source_config(std::string_view yaml_text, const std::string& file_label,
                                                      const SourceDefaults& defaults = {});

/// One source named "camera" from --url; an error for a URL ptzgrab cannot grab.
Result<SourceConfig> url_source_config(const std::string& url, const SourceDefaults& defaults = {});

/// The built-in demo: ffmpeg's test pattern, with the demo HLS loop from assets/demo/.
SourceConfig demo_source_config(const SourceDefaults& defaults = {});

/// Names are used in URLs and folder names: 1-64 of [A-Za-z0-9._-], not starting with '.'.
bool is_valid_source_name(std::string_view name);

}  // namespace ptzgrab
