#pragma once
// The query parameters of /stream/snapshot, checked: a bad value is a one-line reason for a 400.
#include <chrono>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/frame.hpp"
#include "query.hpp"

namespace ptzgrab::web {

struct SnapshotParams {
    std::string source;  // empty: the default (first) source
    std::string url;     // ?url= (ad-hoc source; refused unless --allow-any-url)
    bool force_refresh = false;
    std::optional<std::chrono::milliseconds> max_age;  // ?max_age_ms=: a frame younger than this
    std::optional<int> width, height, quality;
    std::optional<bool> timestamp;

    /// True when the answer differs from the source's prepared JPEG and must be rendered.
    bool is_variant() const { return width || height || quality || timestamp; }
    /// The source's own render options with this request's overrides.
    RenderOptions apply_to(RenderOptions base) const;
};

/// The longest ?max_age_ms= (a day).
inline constexpr int max_max_age_ms = 86'400'000;

/// Unknown parameters are ignored (browsers add cache busters); known ones must be valid.
Result<SnapshotParams> parse_snapshot_params(const Target& target);

/// "1", "true", "yes" / "0", "false", "no"; nullopt for anything else.
std::optional<bool> parse_flag(const std::string& text);

}  // namespace ptzgrab::web
