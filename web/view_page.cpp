#include "view_page.hpp"

#include <chrono>
#include <string_view>

#include "core/url.hpp"
#include "html_escape.hpp"

namespace ptzgrab::web {
namespace {

/// How often the page asks /stream/snapshot for a new frame.
constexpr std::chrono::milliseconds snapshot_refresh_interval{3000};

constexpr std::string_view default_hls_note =
    "No live stream for this source: set \"hls_url\" in its config entry to play one here. "
    "The snapshot still refreshes.";

/// Percent-encodes everything but RFC 3986 unreserved characters, for a query value.
std::string url_encode_component(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                          c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

const ViewSource* pick_source(const ViewPageModel& model) {
    for (const auto& source : model.sources)
        if (source.name == model.selected) return &source;
    return model.sources.empty() ? nullptr : &model.sources.front();
}

/// The browser loads the HLS URL itself: one that could carry a credential never reaches the page,
/// whatever the caller put in the model (is_bare_url is an allow-list).
ViewSource without_unsafe_hls(ViewSource source) {
    if (!source.hls_url.empty() && !is_bare_url(source.hls_url)) {
        source.hls_url.clear();
        source.hls_note = "The live stream's URL may hold credentials, so it is not sent to the browser.";
    }
    return source;
}

std::string render_head(std::string_view title) {
    std::string html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"color-scheme\" content=\"light dark\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n";
    html += "<title>" + html_escape(title) + "</title>\n";
    html +=
        "<link rel=\"stylesheet\" href=\"/assets/view.css\">\n"
        "<script src=\"/assets/vendor/hls.min.js\" defer></script>\n"
        "<script src=\"/assets/view.js\" defer></script>\n"
        "</head>\n";
    return html;
}

/// Links to the other sources' pages; nothing when there is only one.
std::string render_picker(const ViewPageModel& model, const ViewSource& current) {
    if (model.sources.size() < 2) return {};
    std::string html = "<nav class=\"picker\" aria-label=\"Sources\"><ul>\n";
    for (const auto& source : model.sources) {
        std::string href = "/stream/view?source=" + url_encode_component(source.name);
        html += "<li><a href=\"" + html_escape(href) + "\"";
        if (&source == &current) html += " aria-current=\"page\"";
        html += ">" + html_escape(source.name) + "</a></li>\n";
    }
    html += "</ul></nav>\n";
    return html;
}

/// The page's own MJPEG restream of a live source without HLS. The browser's <img> shows it
/// natively; the script sets its src (adding ?token=: an <img> cannot send a header).
std::string mjpeg_url(const ViewSource& source) {
    if (!source.hls_url.empty() || !source.live) return {};
    return "/stream/mjpeg?source=" + url_encode_component(source.name);
}

std::string render_mjpeg_panel(const ViewSource& source) {
    return "<section class=\"panel\" aria-labelledby=\"live-title\">\n"
           "<h2 id=\"live-title\">Live <span id=\"live-state\" class=\"badge\"></span></h2>\n"
           "<div class=\"frame\"><img id=\"live-mjpeg\" alt=\"Live view of " + html_escape(source.name) +
           "\" decoding=\"async\"></div>\n"
           // Each open MJPEG view holds one connection; browsers allow about 6 per host (HTTP/1.1).
           "<p class=\"caption\">MJPEG restream from the server. Browsers open about 6 connections per "
           "server, so keep only a few live views of this server open at once.</p>\n"
           "</section>\n";
}

std::string render_live_panel(const ViewSource& source) {
    if (!mjpeg_url(source).empty()) return render_mjpeg_panel(source);
    bool has_live = !source.hls_url.empty();
    std::string html =
        "<section class=\"panel\" aria-labelledby=\"live-title\">\n"
        "<h2 id=\"live-title\">Live <span id=\"live-state\" class=\"badge\"></span></h2>\n"
        "<div class=\"frame\">";
    html += "<video id=\"live\" muted autoplay playsinline loop controls preload=\"auto\"";
    if (!has_live) html += " hidden";
    html += "></video>";
    if (!has_live) {
        std::string_view note = source.hls_note.empty() ? default_hls_note : std::string_view(source.hls_note);
        html += "<p id=\"live-note\" class=\"note\">" + html_escape(note) + "</p>";
    }
    html += "</div>\n";
    if (has_live && !source.hls_note.empty())
        html += "<p class=\"caption\">" + html_escape(source.hls_note) + "</p>\n";
    html += "</section>\n";
    return html;
}

std::string render_snapshot_panel(const ViewSource& source) {
    std::string html =
        "<section class=\"panel\" aria-labelledby=\"snapshot-title\">\n"
        "<h2 id=\"snapshot-title\">Snapshot <span id=\"snapshot-state\" class=\"badge\"></span></h2>\n";
    html += "<div class=\"frame\"><img id=\"snapshot\" alt=\"Latest snapshot of " + html_escape(source.name) +
            "\" decoding=\"async\"></div>\n";
    html +=
        "<div class=\"switch\" role=\"group\" aria-label=\"Snapshot mode\">"
        "<button type=\"button\" id=\"mode-cached\" aria-pressed=\"true\" "
        "title=\"Frames from the server's cache, re-grabbed once older than the max age\">Cached</button>"
        "<button type=\"button\" id=\"mode-forced\" aria-pressed=\"false\" "
        "title=\"A new grab for every refresh (force_refresh=1)\">Forced</button>"
        "</div>\n"
        "<dl class=\"facts\">"
        "<div><dt>Frame age</dt><dd id=\"frame-age\">&ndash;</dd></div>"
        "<div><dt>Cache</dt><dd id=\"cache-state\">&ndash;</dd></div>"
        "<div><dt>Source</dt><dd id=\"source-status\">&ndash;</dd></div>"
        "<div><dt>Grabbed at</dt><dd id=\"grabbed-at\">&ndash;</dd></div>"
        "</dl>\n"
        "<p id=\"grab-error\" class=\"error\" role=\"status\" hidden></p>\n"
        "</section>\n";
    return html;
}

/// Camera controls: the pad and zoom (hold to move: a ContinuousMove re-sent while held, with a
/// 1 s Timeout as the dead-man stop; release stops), speed, presets, home; a click on the snapshot
/// centers there. view.js drives them through /ptz/.
std::string render_ptz_panel(const ViewSource& source) {
    if (!source.ptz) return {};
    auto hold = [](std::string_view id, std::string_view label, std::string_view axes, std::string_view text) {
        return "<button type=\"button\" id=\"" + std::string(id) + "\" class=\"ptz-hold\" " + std::string(axes) +
               " aria-label=\"" + std::string(label) + "\" title=\"" + std::string(label) + " (hold)\">" +
               std::string(text) + "</button>";
    };
    std::string html =
        "<section class=\"panel ptz\" aria-labelledby=\"ptz-title\">\n"
        "<h2 id=\"ptz-title\">Camera <span id=\"ptz-state\" class=\"badge\"></span></h2>\n"
        "<div class=\"ptz-controls\"><div class=\"ptz-pad\" role=\"group\" aria-label=\"Pan and tilt\">";
    html += hold("ptz-up-left", "Up left", "data-pan=\"-1\" data-tilt=\"1\"", "&#8598;");
    html += hold("ptz-up", "Up", "data-pan=\"0\" data-tilt=\"1\"", "&#9650;");
    html += hold("ptz-up-right", "Up right", "data-pan=\"1\" data-tilt=\"1\"", "&#8599;");
    html += hold("ptz-left", "Left", "data-pan=\"-1\" data-tilt=\"0\"", "&#9664;");
    html += "<button type=\"button\" id=\"ptz-home\" title=\"Go to the home position\">Home</button>";
    html += hold("ptz-right", "Right", "data-pan=\"1\" data-tilt=\"0\"", "&#9654;");
    html += hold("ptz-down-left", "Down left", "data-pan=\"-1\" data-tilt=\"-1\"", "&#8601;");
    html += hold("ptz-down", "Down", "data-pan=\"0\" data-tilt=\"-1\"", "&#9660;");
    html += hold("ptz-down-right", "Down right", "data-pan=\"1\" data-tilt=\"-1\"", "&#8600;");
    html += "</div>\n<div class=\"ptz-zoom\" role=\"group\" aria-label=\"Zoom\">";
    html += hold("ptz-zoom-in", "Zoom in", "data-zoom=\"1\"", "+");
    html += hold("ptz-zoom-out", "Zoom out", "data-zoom=\"-1\"", "&minus;");
    html += "</div></div>\n"
            "<label class=\"ptz-speed\">Speed <input type=\"range\" id=\"ptz-speed\" min=\"0.1\" max=\"1\" "
            "step=\"0.1\" value=\"0.5\"></label>\n"
            "<p class=\"caption\">Hold a button to move; click the snapshot to center the camera there.</p>\n"
            "<dl class=\"facts\"><div><dt>Position</dt><dd id=\"ptz-position\">&ndash;</dd></div></dl>\n"
            "<h3>Presets</h3>\n<ul id=\"ptz-presets\" class=\"ptz-presets\"></ul>\n"
            "<div class=\"ptz-actions\"><button type=\"button\" id=\"ptz-save\">Save position&hellip;</button>"
            "<button type=\"button\" id=\"ptz-set-home\" title=\"Make this position the home position\">Set home</button></div>\n"
            "<p id=\"ptz-error\" class=\"error\" role=\"status\" hidden></p>\n"
            "</section>\n";
    return html;
}

std::string render_body(const ViewPageModel& model, const ViewSource& source) {
    ViewSource live = without_unsafe_hls(source);
    std::string html = "<body>\n<header class=\"top\"><h1><a href=\"/stream/view\">ptzgrab</a></h1>";
    html += "<p class=\"source-name\">" + html_escape(source.name) + "</p></header>\n";
    html += render_picker(model, source);
    html += "<main id=\"view\" data-source=\"" + html_escape(source.name) + "\" data-hls-url=\"" +
            html_escape(live.hls_url) + "\" data-mjpeg-url=\"" + html_escape(mjpeg_url(live)) + "\" data-refresh-ms=\"" +
            std::to_string(snapshot_refresh_interval.count()) + "\" data-ptz=\"" + (source.ptz ? "1" : "0") + "\">\n";
    html += render_live_panel(live);
    html += render_snapshot_panel(source);
    html += render_ptz_panel(source);
    html += "</main>\n<footer><p>Source URL: <code id=\"source-url\">" + html_escape(source.masked_url) +
            "</code></p></footer>\n</body>\n</html>\n";
    return html;
}

std::string render_empty_page() {
    return render_head("ptzgrab") +
           "<body>\n<header class=\"top\"><h1>ptzgrab</h1></header>\n"
           "<main><p class=\"note\">No sources are configured. Start <code>ptzgrab serve</code> with "
           "<code>--url URL</code> or <code>--config FILE</code>.</p></main>\n</body>\n</html>\n";
}

}  // namespace

std::string render_view_page(const ViewPageModel& model) {
    const ViewSource* source = pick_source(model);
    if (!source) return render_empty_page();
    return render_head(source->name + " \u00b7 ptzgrab") + render_body(model, *source);
}

}  // namespace ptzgrab::web
