// Config files: good ones become sources, bad ones an error naming the file, the field and the problem.
#include "core/source_config.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "core/demo_source.hpp"
#include "router_fixture.hpp"
#include "support/fixtures.hpp"

using namespace std::chrono_literals;
using ptzgrab::parse_source_config;

namespace {

std::string error_of(const std::string& json) {
    auto result = parse_source_config(json, "cams.json");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ptzgrab::ErrorKind::invalid_input);
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("config: every field of a full source is read") {
    auto sources = parse_source_config(R"([{"name": "gate", "url": "rtsp://u:p@10.0.0.2/s", "max_age_s": 2.5,
        "timeout_s": 4, "rtsp_transport": "udp", "hls_url": "http://10.0.0.2/live.m3u8",
        "width": 640, "height": 360, "quality": 70}, {"name": "yard", "url": "http://cam/video.mjpg"}])",
                                       "cams.json", {.max_age = 7s, .live_mode = {}});
    REQUIRE(sources.has_value());
    REQUIRE(sources->size() == 2);
    const auto& gate = (*sources)[0];
    CHECK(gate.name == "gate");
    CHECK(gate.grab.url == "rtsp://u:p@10.0.0.2/s");
    CHECK(gate.max_age == 2500ms);
    CHECK(gate.grab.timeout == 4000ms);
    CHECK(gate.grab.rtsp_transport == ptzgrab::RtspTransport::udp);
    CHECK(gate.hls_url == "http://10.0.0.2/live.m3u8");
    CHECK(gate.render.width == 640);
    CHECK(gate.render.height == 360);
    CHECK(gate.render.quality == 70);
    CHECK((*sources)[1].max_age == 7000ms);  // the --max-age default
    CHECK((*sources)[1].grab.rtsp_transport == ptzgrab::RtspTransport::tcp);
}

TEST_CASE("config: an object with a sources list is read like a bare list") {
    auto sources = parse_source_config(R"({"sources": [{"name": "a", "url": "lavfi:testsrc2"}]})", "c.json");
    REQUIRE(sources.has_value());
    CHECK(sources->at(0).name == "a");
}

TEST_CASE("config: bad files name the file, the field and what is wrong") {
    struct Case {
        const char* json;
        std::vector<std::string> expected;
    };
    for (const Case& c : std::vector<Case>{
             {R"([{"name": "a"}])", {"cams.json", "sources[0].url", "missing"}},
             {R"([{"url": "rtsp://x/"}])", {"sources[0].name", "missing"}},
             {R"([{"name": "a", "url": "rtsp://x/", "colour": "red"}])", {"sources[0].colour", "unknown field"}},
             {R"([{"name": "a", "url": "rtsp://x/"}, {"name": "a", "url": "rtsp://y/"}])",
              {"sources[1].name", "duplicate", "sources[0]"}},
             {R"([{"name": "a", "url": "rtsp://x/", "width": "wide"}])", {"sources[0].width", "integer"}},
             {R"([{"name": "a", "url": "rtsp://x/", "width": 5}])", {"sources[0].width", "between 16 and 4096"}},
             {R"([{"name": "a", "url": "rtsp://x/", "quality": 0}])", {"sources[0].quality", "between 1 and 100"}},
             {R"([{"name": "a", "url": "rtsp://x/", "max_age_s": -1}])", {"sources[0].max_age_s", "between"}},
             {R"([{"name": "a", "url": "rtsp://x/", "timeout_s": "10"}])", {"sources[0].timeout_s", "number"}},
             {R"([{"name": "a", "url": "rtsp://x/", "rtsp_transport": "sctp"}])", {"rtsp_transport", "tcp"}},
             {R"([{"name": "a", "url": "gopher://x/"}])", {"sources[0].url", "unsupported"}},
             {R"([{"name": "a", "url": "concat:a|b"}])", {"sources[0].url", "unsupported"}},
             {R"([{"name": "a", "url": 5}])", {"sources[0].url", "string"}},
             {R"([{"name": "../etc", "url": "rtsp://x/"}])", {"sources[0].name"}},
             {R"([{"name": "a", "url": "rtsp://x/", "hls_url": "file:/etc/passwd"}])", {"sources[0].hls_url"}},
             {R"([])", {"cams.json", "non-empty"}},
             {R"({"cameras": []})", {"cams.json", "sources"}},
             {R"(["rtsp://x/"])", {"sources[0]", "object"}},
             {"[{\"name\": \"a\",\n \"url\": \"x\"]", {"cams.json:2:", "not valid YAML"}},
             {"[{\"name\": \"a\",\n \"url\": }]", {"cams.json:2:", "sources[0].url", "string"}},  // YAML: url is null
         }) {
        CAPTURE(c.json);
        std::string message = error_of(c.json);
        for (const std::string& part : c.expected) CHECK_MESSAGE(contains(message, part), message);
    }
}

TEST_CASE("config: an unsupported URL is named with its password masked") {
    std::string message = error_of(R"([{"name": "a", "url": "gopher://me:hunter22@x/"}])");
    CHECK_FALSE(contains(message, "hunter22"));
}

TEST_CASE("config: a file that cannot be read is an io error naming it") {
    auto result = ptzgrab::load_source_config("/nonexistent/cams.json");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ptzgrab::ErrorKind::io_error);
    CHECK(contains(result.error().message, "/nonexistent/cams.json"));
}

TEST_CASE("config: a file on disk is read") {
    ptzgrab::testing::ScratchDir dir;
    std::ofstream(dir / "c.json") << R"([{"name": "one", "url": "rtsp://h/s"}])";
    auto result = ptzgrab::load_source_config(dir / "c.json");
    REQUIRE(result.has_value());
    CHECK(result->at(0).name == "one");
}

TEST_CASE("config: --url makes one source, the demo plays the test pattern with the demo HLS loop") {
    auto one = ptzgrab::url_source_config("rtsp://cam/s", {.max_age = 3s, .live_mode = {}});
    REQUIRE(one.has_value());
    CHECK(one->max_age == 3000ms);
    CHECK_FALSE(ptzgrab::url_source_config("concat:x|y").has_value());
    auto demo = ptzgrab::demo_source_config();
    CHECK(demo.name == "demo");
    CHECK(demo.grab.url == ptzgrab::demo_source_url);
    CHECK(demo.hls_url == "/assets/demo/index.m3u8");
}

TEST_CASE("config: live fields are read, and network sources are held open on demand unless told otherwise") {
    auto sources = parse_source_config(R"([
        {"name": "gate", "url": "rtsp://10.0.0.2/s", "live": "always", "live_idle_s": 60,
         "live_decode": "all", "live_fps": 2.5},
        {"name": "yard", "url": "http://cam/video.mjpg"},
        {"name": "hall", "url": "rtsp://10.0.0.3/s", "live": "off"},
        {"name": "clip", "url": "/srv/clip.mp4"},
        {"name": "bars", "url": "lavfi:testsrc2"}])",
                                       "cams.json");
    REQUIRE(sources.has_value());
    const auto& gate = sources->at(0).live;
    CHECK(gate.mode == ptzgrab::LiveMode::always);
    CHECK(gate.idle == 60s);
    CHECK(gate.decode == ptzgrab::LiveDecode::all);
    CHECK(gate.fps == doctest::Approx(2.5));
    const auto& yard = sources->at(1).live;
    CHECK(yard.mode == ptzgrab::LiveMode::on_demand);
    CHECK(yard.idle == 300s);
    CHECK(yard.decode == ptzgrab::LiveDecode::keyframes);
    CHECK(sources->at(2).live.mode == ptzgrab::LiveMode::off);
    CHECK(sources->at(3).live.mode == ptzgrab::LiveMode::off);  // a local file has no stream to hold
    CHECK(sources->at(4).live.mode == ptzgrab::LiveMode::off);
    CHECK(ptzgrab::demo_source_config().live.mode == ptzgrab::LiveMode::off);
}

TEST_CASE("config: --live and --live-idle are the defaults of sources that do not say") {
    ptzgrab::SourceDefaults defaults;
    defaults.live_mode = ptzgrab::LiveMode::always;
    defaults.live_idle = 42s;
    auto sources = parse_source_config(R"([{"name": "a", "url": "rtsp://x/s"},
        {"name": "b", "url": "rtsp://y/s", "live": "on_demand", "live_idle_s": 9},
        {"name": "c", "url": "lavfi:testsrc2"}])",
                                       "cams.json", defaults);
    REQUIRE(sources.has_value());
    CHECK(sources->at(0).live.mode == ptzgrab::LiveMode::always);
    CHECK(sources->at(0).live.idle == 42s);
    CHECK(sources->at(1).live.mode == ptzgrab::LiveMode::on_demand);
    CHECK(sources->at(1).live.idle == 9s);
    CHECK(sources->at(2).live.mode == ptzgrab::LiveMode::off);  // --live never holds a local source
    defaults.live_mode = ptzgrab::LiveMode::off;
    auto one = ptzgrab::url_source_config("rtsp://cam/s", defaults);
    REQUIRE(one.has_value());
    CHECK(one->live.mode == ptzgrab::LiveMode::off);
}

TEST_CASE("config: bad live fields name the field and the values it takes") {
    struct Case {
        const char* json;
        std::vector<std::string> expected;
    };
    for (const Case& c : std::vector<Case>{
             {R"([{"name": "a", "url": "rtsp://x/", "live": "sometimes"}])", {"sources[0].live", "on_demand", "always"}},
             {R"([{"name": "a", "url": "rtsp://x/", "live": true}])", {"sources[0].live", "string"}},
             {R"([{"name": "a", "url": "rtsp://x/", "live_idle_s": 0}])", {"sources[0].live_idle_s", "between"}},
             {R"([{"name": "a", "url": "rtsp://x/", "live_decode": "some"}])", {"sources[0].live_decode", "keyframes"}},
             {R"([{"name": "a", "url": "rtsp://x/", "live_fps": 0}])", {"sources[0].live_fps", "between"}},
             {R"([{"name": "a", "url": "/srv/a.mp4", "live": "always"}])", {"sources[0].live", "network"}},
         }) {
        CAPTURE(c.json);
        std::string message = error_of(c.json);
        for (const std::string& part : c.expected) CHECK_MESSAGE(contains(message, part), message);
    }
}

TEST_CASE("config: onvif settings are read, and user and password default to the stream URL's userinfo") {
    auto sources = parse_source_config(R"([
        {"name": "gate", "url": "rtsp://admin:pa%40ss@10.0.0.2/s",
         "onvif": {"url": "http://10.0.0.2:8080/onvif/device_service", "profile": "Profile_1"}},
        {"name": "yard", "url": "rtsp://admin:secret1@10.0.0.3/s",
         "onvif": {"url": "http://10.0.0.3/onvif/device_service", "user": "ptz", "password": "other"}},
        {"name": "hall", "url": "rtsp://10.0.0.4/s",
         "onvif": {"url": "http://op:h%2Fx@10.0.0.4/onvif/device_service"}},
        {"name": "shed", "url": "rtsp://10.0.0.5/s"}])",
                                       "cams.json");
    REQUIRE(sources.has_value());
    REQUIRE(sources->at(0).onvif.has_value());
    const ptzgrab::OnvifSettings& gate = *sources->at(0).onvif;
    CHECK(gate.device_url == "http://10.0.0.2:8080/onvif/device_service");
    CHECK(gate.user == "admin");
    CHECK(gate.password == "pa@ss");  // percent-decoded
    CHECK(gate.profile == "Profile_1");
    const ptzgrab::OnvifSettings& yard = *sources->at(1).onvif;
    CHECK(yard.user == "ptz");
    CHECK(yard.password == "other");
    CHECK(yard.profile.empty());
    const ptzgrab::OnvifSettings& hall = *sources->at(2).onvif;
    CHECK(hall.device_url == "http://10.0.0.4/onvif/device_service");  // the userinfo moves to user/password
    CHECK(hall.user == "op");
    CHECK(hall.password == "h/x");
    CHECK_FALSE(sources->at(3).onvif.has_value());
}

TEST_CASE("config: bad onvif settings name the field, and never the password") {
    struct Case {
        const char* json;
        std::vector<std::string> expected;
    };
    for (const Case& c : std::vector<Case>{
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": "http://x/onvif"}])", {"cams.json", "sources[0].onvif", "object"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"user": "u"}}])", {"sources[0].onvif.url", "missing"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"url": "http://x/", "port": 80}}])",
              {"sources[0].onvif.port", "unknown field", "profile"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"url": "https://u:hunter22@x/onvif/device_service"}}])",
              {"sources[0].onvif.url", "http://", "https"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"url": "rtsp://x/"}}])", {"sources[0].onvif.url", "http://"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"url": "http:///onvif"}}])", {"sources[0].onvif.url"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"url": "http://x/", "password": 1234}}])",
              {"sources[0].onvif.password", "string"}},
             {R"([{"name": "a", "url": "rtsp://x/", "onvif": {"url": 5}}])", {"sources[0].onvif.url", "string"}},
         }) {
        CAPTURE(c.json);
        std::string message = error_of(c.json);
        for (const std::string& part : c.expected) CHECK_MESSAGE(contains(message, part), message);
        CHECK_FALSE(contains(message, "hunter22"));
    }
}

TEST_CASE("config: a source's onvif password appears on no page of the server and in no log line") {
    auto sources = parse_source_config(R"([{"name": "gate", "url": "rtsp://10.0.0.2/s",
        "onvif": {"url": "http://10.0.0.2/onvif/device_service", "user": "admin", "password": "onvif-secret-77"}}])",
                                       "cams.json");
    REQUIRE(sources.has_value());
    ptzgrab::testing::RouterFixture f(*sources);
    for (const char* target : {"/stream/info", "/stream/cache", "/stream/view", "/stream/snapshot?source=gate",
                               "/stream/info?source=gate", "/nonexistent"}) {
        CAPTURE(target);
        auto answer = f.get(target);
        CHECK_FALSE(contains(std::string(ptzgrab::web::body_view(answer)), "onvif-secret-77"));
    }
    f.fail_with(ptzgrab::ErrorKind::source_unreachable);
    f.get("/stream/snapshot?source=gate&refresh=1");
    for (const std::string& line : f.log_lines()) CHECK_FALSE(contains(line, "onvif-secret-77"));
}
