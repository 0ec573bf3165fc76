#include <doctest/doctest.h>

#include "core/url.hpp"

using namespace ptzgrab;

TEST_CASE("url: the password in the userinfo and secret query values are masked") {
    struct Case {
        const char* url;
        const char* masked;
    };
    const Case cases[] = {
        {"rtsp://admin:s3cret@192.168.1.20:554/Streaming/101", "rtsp://admin:***@192.168.1.20:554/Streaming/101"},
        {"rtsp://192.168.1.20/live", "rtsp://192.168.1.20/live"},
        {"rtsp://admin@192.168.1.20/live", "rtsp://admin@192.168.1.20/live"},
        {"rtsp://admin:p%40ss%3Aw0rd@cam.local/s", "rtsp://admin:***@cam.local/s"},
        {"rtsp://admin:p@ss@cam.local/s", "rtsp://admin:***@cam.local/s"},
        {"rtsp://admin:pa/ss@cam.local/s", "rtsp://admin:***@cam.local/s"},
        {"rtsp://admin:Sup3r?Secret@127.0.0.1:1/x", "rtsp://admin:***@127.0.0.1:1/x"},
        {"rtsp://admin:Sup3r#Secret@127.0.0.1:1/x", "rtsp://admin:***@127.0.0.1:1/x"},
        {"rtsp://u:p/a?s@h/x", "rtsp://u:***@h/x"},
        {"rtsp://admin:pw@[::1]:8554/s", "rtsp://admin:***@[::1]:8554/s"},
        {"rtsp://[fe80::1%25eth0]:554/s", "rtsp://[fe80::1%25eth0]:554/s"},
        {"rtsp://[::1]:554/path@x", "rtsp://[::1]:554/path@x"},
        {"http://cam/video.mjpg?user=admin&password=hunter2", "http://cam/video.mjpg?user=admin&password=***"},
        {"http://cam/snap?pwd=1&x=2&token=abc#frag", "http://cam/snap?pwd=***&x=2&token=***#frag"},
        {"https://cdn/x.m3u8?X-Amz-Signature=ff&api_key=k&auth=z&pass=p", "https://cdn/x.m3u8?X-Amz-Signature=***&api_key=***&auth=***&pass=***"},
        {"https://u:p@host/a.m3u8?Token=t", "https://u:***@host/a.m3u8?Token=***"},
        {"/var/media/clip.mp4", "/var/media/clip.mp4"},
        {"", ""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.url);
        CHECK(mask_credentials(c.url) == c.masked);
    }
}

TEST_CASE("url: URLs inside free text are masked, and so is the bare password") {
    std::string url = "rtsp://admin:hunter2@10.0.0.5/s";
    std::string text = "[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized\n" + url +
                       ": Server returned 401 Unauthorized (authorization failed); pw was hunter2";
    std::string masked = mask_text(text, url);
    CHECK(masked.find("hunter2") == std::string::npos);
    CHECK(masked.find("rtsp://admin:***@10.0.0.5/s: Server returned 401") != std::string::npos);
}

TEST_CASE("url: sources are classified by scheme and playlist suffix") {
    CHECK(classify_source("rtsp://cam/s") == SourceKind::rtsp);
    CHECK(classify_source("RTSPS://cam/s") == SourceKind::rtsp);
    CHECK(classify_source("http://cam/live/index.m3u8?token=1") == SourceKind::hls);
    CHECK(classify_source("https://cam/video.mjpg") == SourceKind::http);
    CHECK(classify_source("/srv/clip.mp4") == SourceKind::file);
    CHECK(classify_source("clip.mp4") == SourceKind::file);
    CHECK(classify_source("file:/srv/clip.mp4") == SourceKind::file);
    CHECK(classify_source("lavfi:testsrc2") == SourceKind::lavfi);
    CHECK(classify_source("concat:a.mp4|b.mp4") == SourceKind::unsupported);
    CHECK(classify_source("ftp://host/x") == SourceKind::unsupported);
    CHECK(classify_source("") == SourceKind::unsupported);
    CHECK(is_network(SourceKind::rtsp));
    CHECK(is_network(SourceKind::hls));
    CHECK_FALSE(is_network(SourceKind::file));
    CHECK_FALSE(is_network(SourceKind::lavfi));
}
