// A URL's userinfo: read percent-decoded, removed, and put back percent-encoded.
#include "core/url_userinfo.hpp"

#include <doctest/doctest.h>

using ptzgrab::credentials_of;
using ptzgrab::with_credentials;
using ptzgrab::without_credentials;

TEST_CASE("userinfo: user and password are read percent-decoded, up to the authority's last '@'") {
    auto c = credentials_of("rtsp://admin:p%40ss%3Aw@rd@10.0.0.2:554/s?x=a@b");
    CHECK(c.user == "admin");
    CHECK(c.password == "p@ss:w@rd");
    CHECK(credentials_of("http://user@cam/x").user == "user");
    CHECK(credentials_of("http://user@cam/x").password.empty());
    CHECK(credentials_of("http://cam/path@x").user.empty());
    CHECK(credentials_of("/srv/clip.mp4").user.empty());
}

TEST_CASE("userinfo: removed, and added back percent-encoded so a grab can log in") {
    CHECK(without_credentials("http://u:p@cam:80/onvif/device_service") == "http://cam:80/onvif/device_service");
    CHECK(without_credentials("http://cam/x") == "http://cam/x");
    CHECK(with_credentials("rtsp://cam/stream", {"admin", "a/b@c"}) == "rtsp://admin:a%2Fb%40c@cam/stream");
    CHECK(with_credentials("rtsp://old:x@cam/stream", {"new", "y"}) == "rtsp://new:y@cam/stream");
    CHECK(with_credentials("rtsp://cam/stream", {"", "y"}) == "rtsp://cam/stream");
    auto round = credentials_of(with_credentials("rtsp://cam/s", {"ü ser", "p:w%d"}));
    CHECK(round.user == "ü ser");
    CHECK(round.password == "p:w%d");
}
