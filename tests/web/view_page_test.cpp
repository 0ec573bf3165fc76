#include "web/view_page.hpp"

#include <doctest/doctest.h>

#include <string>

using ptzgrab::web::render_view_page;
using ptzgrab::web::ViewPageModel;
using ptzgrab::web::ViewSource;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

ViewPageModel two_sources() {
    return {{{"front", "rtsp://admin:***@cam1/stream", "/assets/demo/index.m3u8", ""},
             {"back yard", "rtsp://cam2/stream", "", ""}},
            "front"};
}

}  // namespace

TEST_CASE("view page: a full HTML5 document with the stable element ids the browser test uses") {
    std::string html = render_view_page(two_sources());
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(contains(html, "</html>"));
    for (const char* id : {"id=\"snapshot\"", "id=\"live\"", "id=\"mode-cached\"", "id=\"mode-forced\"",
                           "id=\"frame-age\"", "id=\"cache-state\""})
        CHECK_MESSAGE(contains(html, id), id);
}

TEST_CASE("view page: refers to the bundled hls.js and its own assets, never a CDN") {
    std::string html = render_view_page(two_sources());
    CHECK(contains(html, "src=\"/assets/vendor/hls.min.js\""));
    CHECK(contains(html, "src=\"/assets/view.js\""));
    CHECK(contains(html, "href=\"/assets/view.css\""));
    CHECK_FALSE(contains(html, "http://"));
    CHECK_FALSE(contains(html, "https://"));
}

TEST_CASE("view page: the selected source's data sits in data- attributes of #view") {
    std::string html = render_view_page(two_sources());
    CHECK(contains(html, "data-source=\"front\""));
    CHECK(contains(html, "data-hls-url=\"/assets/demo/index.m3u8\""));
    CHECK(contains(html, "rtsp://admin:***@cam1/stream"));
}

TEST_CASE("view page: several sources get a picker with links that encode the name") {
    std::string html = render_view_page(two_sources());
    CHECK(contains(html, "href=\"/stream/view?source=front\" aria-current=\"page\""));
    CHECK(contains(html, "href=\"/stream/view?source=back%20yard\">back yard</a>"));
}

TEST_CASE("view page: one source gets no picker") {
    ViewPageModel model{{{"demo", "lavfi:testsrc2", "/assets/demo/index.m3u8", ""}}, ""};
    CHECK_FALSE(contains(render_view_page(model), "class=\"picker\""));
}

TEST_CASE("view page: an unknown selected source falls back to the first") {
    ViewPageModel model = two_sources();
    model.selected = "nope";
    CHECK(contains(render_view_page(model), "data-source=\"front\""));
}

TEST_CASE("view page: a source without an HLS URL shows a note instead of the player") {
    ViewPageModel model = two_sources();
    model.selected = "back yard";
    std::string html = render_view_page(model);
    CHECK(contains(html, "id=\"live-note\""));
    CHECK(contains(html, "hls_url"));
    CHECK(contains(html, "playsinline loop controls preload=\"auto\" hidden>"));

    model.sources[1].hls_note = "Camera streams RTSP only";
    CHECK(contains(render_view_page(model), ">Camera streams RTSP only</p>"));
}

TEST_CASE("view page: names, URLs and notes are HTML-escaped everywhere they appear") {
    ViewPageModel model{{{"<b>\"cam\"", "rtsp://h/<x>", "/x.m3u8?a=1&b=\"2\"", ""},
                         {"two", "rtsp://h2/", "", "<i>no</i>"}},
                        "<b>\"cam\""};
    std::string html = render_view_page(model);
    CHECK_FALSE(contains(html, "<b>"));
    CHECK_FALSE(contains(html, "<x>"));
    CHECK(contains(html, "data-source=\"&lt;b&gt;&quot;cam&quot;\""));
    CHECK(contains(html, "data-hls-url=\"\""));  // an HLS URL with a query never reaches the page
    CHECK_FALSE(contains(html, "\"2\""));
    CHECK(contains(html, "?source=%3Cb%3E%22cam%22"));

    model.selected = "two";
    CHECK(contains(render_view_page(model), "&lt;i&gt;no&lt;/i&gt;"));
}

TEST_CASE("view page: an HLS URL that could carry a credential is never written into the page") {
    for (const char* url : {"https://u:SECRETPW@cdn/x.m3u8", "https://cdn/x.m3u8?sig=SECRETPW", "https://cdn/x.m3u8#SECRETPW",
                            "https://cdn/live;token=SECRETPW/x.m3u8", "/x.m3u8?token=SECRETPW"}) {
        CAPTURE(url);
        ViewPageModel model{{{"cam", "rtsp://cam/s", url, ""}}, ""};
        std::string html = render_view_page(model);
        CHECK_FALSE(contains(html, "SECRETPW"));
        CHECK(contains(html, "data-hls-url=\"\""));
        CHECK(contains(html, "playsinline loop controls preload=\"auto\" hidden>"));
        CHECK(contains(html, "credentials"));
    }
}

TEST_CASE("view page: no sources at all still renders a page that says so") {
    std::string html = render_view_page({});
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(contains(html, "No sources are configured"));
}
