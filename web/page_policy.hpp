#pragma once
// The Content-Security-Policy of the view page: only what the page itself loads, so an injected
// tag could neither run a script nor send data elsewhere.
#include <string>
#include <string_view>

namespace ptzgrab::web {

/// Scripts and styles from /assets/ only (no inline code, no eval); snapshots and MSE media as
/// blob: URLs; hls.js's worker from a blob:; the live stream's own origin when `hls_url` is an
/// absolute http(s) URL (a camera or media server elsewhere); no plugins, no framing, no <base>.
std::string view_page_content_security_policy(std::string_view hls_url);

}  // namespace ptzgrab::web
