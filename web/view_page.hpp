#pragma once
// The HTML page of GET /stream/view: a live panel (HLS player, or the server's MJPEG restream of a
// live source), the refreshing snapshot of one source, and camera controls for a steerable one.
#include <string>
#include <vector>

namespace ptzgrab::web {

struct ViewSource {
    std::string name;
    std::string masked_url;  // shown as text; must already be masked
    std::string hls_url;     // played by the browser as given, if is_bare_url (else dropped); empty: no live player
    std::string hls_note;    // shown when hls_url is empty (why, or what to configure)
    bool live = false;       // a live source: without hls_url, the live panel shows /stream/mjpeg
    bool ptz = false;        // a steerable source: the page shows the camera controls (/ptz/...)
};

struct ViewPageModel {
    std::vector<ViewSource> sources;
    std::string selected;  // a name from `sources`; unknown or empty means the first
};

/// A complete HTML5 document. Every model string is HTML-escaped; the page's behaviour lives in
/// /assets/view.js and /assets/view.css, and its data in data- attributes of #view. No token is
/// ever written into the page: the script reads ?token= from its own location.
std::string render_view_page(const ViewPageModel& model);

}  // namespace ptzgrab::web
