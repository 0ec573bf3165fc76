// The camera file in YAML: comments and anchors read, JSON files unchanged, and every mistake named
// by FILE:LINE:COLUMN: FIELD: what is wrong. Also the packaged example, and check-config's output.
#include <doctest/doctest.h>

#include <fstream>

#include "core/source_config.hpp"
#include "core/source_config_text.hpp"
#include "support/fixtures.hpp"

using namespace std::chrono_literals;
using ptzgrab::parse_source_config;

namespace {

std::string error_of(const std::string& yaml) {
    auto result = parse_source_config(yaml, "cams.yaml");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ptzgrab::ErrorKind::invalid_input);
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("config yaml: a commented file with anchors and merges is read; x- keys hold shared settings") {
    auto sources = parse_source_config(R"(# two cameras on the gate post
x-defaults: &defaults   # not a source: shared settings, as in docker compose files
  timeout_s: 4
  live: off             # YAML 1.1 would read this as false
sources:
  - &gate
    <<: *defaults
    name: gate          # the front
    url: rtsp://viewer:secret@10.0.0.21/s
    width: 640
  - <<: *gate
    name: gate-hd
    width: 1280
)",
                                       "cams.yaml");
    REQUIRE_MESSAGE(sources.has_value(), sources.error().message);
    REQUIRE(sources->size() == 2);
    CHECK(sources->at(0).live.mode == ptzgrab::LiveMode::off);
    CHECK(sources->at(0).grab.timeout == 4000ms);
    CHECK(sources->at(0).render.width == 640);
    const auto& hd = sources->at(1);
    CHECK(hd.name == "gate-hd");
    CHECK(hd.grab.url == "rtsp://viewer:secret@10.0.0.21/s");
    CHECK(hd.grab.timeout == 4000ms);
    CHECK(hd.live.mode == ptzgrab::LiveMode::off);
    CHECK(hd.render.width == 1280);

    // Any other top-level key is refused, where it stands.
    CHECK(error_of("defaults: {}\nsources:\n  - {name: a, url: rtsp://x/}\n") ==
          "cams.yaml:1:1: defaults: unknown field (the file holds sources: [...], and x-NAME: for anchors)");
}

TEST_CASE("config yaml: a bare list works, and quoted and plain strings read the same") {
    auto sources = parse_source_config("- name: a\n  url: 'lavfi:testsrc2'\n- {name: \"b\", url: rtsp://x/s, rtsp_transport: udp}\n",
                                       "cams.yaml");
    REQUIRE_MESSAGE(sources.has_value(), sources.error().message);
    CHECK(sources->at(0).grab.url == "lavfi:testsrc2");
    CHECK(sources->at(1).grab.rtsp_transport == ptzgrab::RtspTransport::udp);
}

TEST_CASE("config yaml: JSON as JSON tools write it still reads: tabs, no spaces, escapes, CRLF, a BOM") {
    for (const char* json : {"{\n\t\"sources\": [\n\t\t{\"name\": \"a\", \"url\": \"rtsp://x/\\/s\", \"max_age_s\": 2.5e0}\n\t]\n}",
                             "[{\"name\":\"a\",\"url\":\"rtsp://x//s\",\"max_age_s\":2.5,\"onvif\":null}]",
                             "\xef\xbb\xbf[\r\n {\"name\": \"a\", \"url\": \"rtsp:\\u002f/x//s\", \"max_age_s\": 2.5}\r\n]"}) {
        CAPTURE(json);
        auto sources = parse_source_config(json, "cams.json");
        if (std::string_view(json).find("null") != std::string_view::npos) {
            // null is not an object: refused as before, now with its place.
            REQUIRE_FALSE(sources.has_value());
            CHECK(sources.error().message.starts_with("cams.json:1:"));
            CHECK(contains(sources.error().message, "sources[0].onvif: must be an object"));
            continue;
        }
        REQUIRE_MESSAGE(sources.has_value(), sources.error().message);
        CHECK(sources->at(0).grab.url == "rtsp://x//s");
        CHECK(sources->at(0).max_age == 2500ms);
    }
}

TEST_CASE("config yaml: each mistake is named by file, line, column and field") {
    struct Case {
        const char* yaml;
        const char* expected;
    };
    for (const Case& c : std::vector<Case>{
             {"sources:\n  - name: a\n    url: rtsp://x/\n  - name: b\n    url: rtsp://y/\n    max_age_s: 0\n",
              "cams.yaml:6:16: sources[1].max_age_s: must be a number between 0.001 and 86400"},
             {"sources:\n  - name: a\n    url: rtsp://x/\n    colour: red\n",
              "cams.yaml:4:5: sources[0].colour: unknown field (known: name, url, max_age_s, timeout_s, rtsp_transport, "
              "hls_url, width, height, quality, live, live_idle_s, live_decode, live_fps, onvif)"},
             {"sources:\n  - name: a\n", "cams.yaml:2:5: sources[0].url: missing (every source needs a url)"},
             {"- name: a\n  url: rtsp://x/\n  width: wide\n", "cams.yaml:3:10: sources[0].width: must be an integer between 16 and 4096"},
             {"- name: a\n  url: rtsp://x/\n  timeout_s: \"10\"\n", "cams.yaml:3:14: sources[0].timeout_s: must be a number between 0.1 and 3600"},
             {"- name: a\n  url: rtsp://x/\n  live: sometimes\n",
              "cams.yaml:3:9: sources[0].live: must be \"off\", \"on_demand\" or \"always\""},
             {"- name: 1234\n  url: rtsp://x/\n", "cams.yaml:1:9: sources[0].name: must be a string (put 1234 in quotes)"},
             {"- name: a\n  url: rtsp://x/\n- name: a\n  url: rtsp://y/\n",
              "cams.yaml:3:9: sources[1].name: duplicate name \"a\" (also sources[0])"},
             {"- name: a\n  url: rtsp://x/\n  onvif:\n    url: http://x/onvif\n    port: 80\n",
              "cams.yaml:5:5: sources[0].onvif.port: unknown field (known: url, user, password, profile)"},
             {"- name: a\n  url: rtsp://x/\n  onvif:\n    url: http://x/onvif\n    password: 1234\n",
              "cams.yaml:5:15: sources[0].onvif.password: must be a string (put it in quotes)"},
             {"- name: a\n  url: /srv/a.mp4\n  live: always\n",
              "cams.yaml:3:9: sources[0].live: only network sources (rtsp, http, hls) can be held open; use \"off\""},
             {"- name: a\n  url: rtsp://x/\n  url: rtsp://y/\n", "cams.yaml:3:3: not valid YAML: duplicate key \"url\" (first at line 2)"},
             {"sources: []\n", "cams.yaml:1:10: sources: must be a non-empty list of sources"},
             {"", "cams.yaml: sources: must be a non-empty list of sources"},
             {"- rtsp://x/\n", "cams.yaml:1:3: sources[0]: must be an object {\"name\", \"url\", ...}"},
             {"- name: a\n  url: rtsp://x/\n---\n- name: b\n  url: rtsp://y/\n",
              "cams.yaml:3:1: not valid YAML: a second YAML document starts here (after a \"---\" or the first "
              "document's end); a camera file holds one, and only one would be read"},
         }) {
        CAPTURE(c.yaml);
        CHECK(error_of(c.yaml) == c.expected);
    }
}

TEST_CASE("config yaml: one document marked with --- and ... reads; JSON with text past its end is refused") {
    auto marked = parse_source_config("---\n# the gate\n- name: a\n  url: rtsp://x/\n...\n", "cams.yaml");
    REQUIRE_MESSAGE(marked.has_value(), marked.error().message);
    CHECK(marked->at(0).name == "a");
    auto json = parse_source_config("{\"sources\": [{\"name\": \"a\", \"url\": \"rtsp://x/\"}]}\n", "cams.json");
    REQUIRE_MESSAGE(json.has_value(), json.error().message);
    CHECK(json->at(0).grab.url == "rtsp://x/");
    // A pasted fragment: the first object used to be read alone, the rest silently dropped.
    CHECK(error_of("{\"name\": \"a\", \"url\": \"rtsp://x/\"},\n {\"name\": \"b\", \"url\": \"rtsp://y/\"}]\n")
              .starts_with("cams.yaml:1:34: not valid YAML: a second YAML document starts here"));
}

TEST_CASE("config yaml: a syntax error says where, and a password in a bad URL stays hidden") {
    std::string message = error_of("sources:\n  - name: a\n    url: rtsp://x/\n   width: 5\n");
    CHECK(message.starts_with("cams.yaml:4:"));
    CHECK(contains(message, "not valid YAML"));
    message = error_of("- name: a\n  url: 'gopher://me:hunter22@x/'\n");
    CHECK(message.starts_with("cams.yaml:2:8: sources[0].url: unsupported URL"));
    CHECK_FALSE(contains(message, "hunter22"));
}

TEST_CASE("config yaml: the packaged example camera file is valid and means what its comments say") {
    auto sources = ptzgrab::load_source_config(ptzgrab::testing::source_dir() / "packaging/cameras.example.yaml");
    REQUIRE_MESSAGE(sources.has_value(), sources.error().message);
    REQUIRE(sources->size() == 2);
    const auto& gate = sources->at(0);
    CHECK(gate.name == "gate");
    CHECK(gate.max_age == 5000ms);
    CHECK(gate.grab.timeout == 10000ms);
    CHECK(gate.render.width == 1280);
    CHECK(gate.render.height == 0);  // commented out
    CHECK(gate.live.mode == ptzgrab::LiveMode::on_demand);
    REQUIRE(gate.onvif.has_value());
    CHECK(gate.onvif->profile.empty());  // commented out
    const auto& yard = sources->at(1);
    CHECK(yard.live.mode == ptzgrab::LiveMode::on_demand);
    CHECK(yard.render.quality == 90);
    CHECK_FALSE(yard.onvif.has_value());
}

TEST_CASE("config yaml: the effective config fills in defaults, masks every password, and reads back the same") {
    ptzgrab::SourceDefaults defaults;
    defaults.max_age = 2500ms;
    defaults.live_mode = ptzgrab::LiveMode::always;
    auto sources = parse_source_config(R"(sources:
  - name: "123"
    url: rtsp://admin:hunter22@10.0.0.2/s?password=alsosecret
    timeout_s: 0.1
    live_fps: 0.25
    onvif: {url: "http://10.0.0.2/onvif/device_service", password: onvif-secret-77, profile: "true"}
  - name: clip
    url: /srv/clip.mp4
)",
                                       "cams.yaml", defaults);
    REQUIRE_MESSAGE(sources.has_value(), sources.error().message);
    std::string text = ptzgrab::effective_config_yaml(*sources);
    CAPTURE(text);
    for (const char* secret : {"hunter22", "alsosecret", "onvif-secret-77"}) CHECK_FALSE(contains(text, secret));
    for (const char* shown : {"max_age_s: 2.5\n", "timeout_s: 0.1\n", "live: always\n", "live_fps: 0.25\n",
                              "live_idle_s: 300\n", "quality: 90\n", "rtsp_transport: tcp\n", "user: \"admin\"\n",
                              "password: \"***\"\n", "# width: the camera's", "# onvif: none (no PTZ)"})
        CHECK_MESSAGE(contains(text, shown), shown);

    auto again = parse_source_config(text, "effective.yaml");
    REQUIRE_MESSAGE(again.has_value(), again.error().message);
    REQUIRE(again->size() == 2);
    const auto& a = again->at(0);
    CHECK(a.name == "123");
    CHECK(a.max_age == 2500ms);
    CHECK(a.grab.timeout == 100ms);
    CHECK(a.live.mode == ptzgrab::LiveMode::always);
    CHECK(a.live.fps == doctest::Approx(0.25));
    CHECK(a.onvif->profile == "true");
    CHECK(a.onvif->password == "***");
    CHECK(again->at(1).live.mode == ptzgrab::LiveMode::off);
    CHECK(ptzgrab::effective_config_yaml(*again) == text);  // masked already: a fixed point
}

TEST_CASE("config yaml: an unquoted numeric ONVIF login is refused without echoing it") {
    std::string pin = error_of("- name: a\n  url: rtsp://x/s\n  onvif: {url: http://x/onvif/device_service, user: 55501, password: 246813579}\n");
    CHECK(pin.starts_with("cams.yaml:3:"));
    CHECK(contains(pin, "onvif.user: must be a string (put it in quotes)"));
    CHECK_FALSE(contains(pin, "55501"));
    std::string password = error_of("- name: a\n  url: rtsp://x/s\n  onvif: {url: http://x/onvif/device_service, password: 246813579}\n");
    CHECK(contains(password, "onvif.password: must be a string (put it in quotes)"));
    CHECK_FALSE(contains(password, "246813579"));
    // Other fields still say what to quote.
    CHECK(contains(error_of("- {name: 1234, url: rtsp://x/s}\n"), "put 1234 in quotes"));
}

TEST_CASE("config yaml: a file past 1 MiB is refused unread, not parsed") {
    ptzgrab::testing::ScratchDir dir;
    std::string big = "# " + std::string(1 << 20, 'x') + "\n- {name: a, url: rtsp://x/s}\n";
    {
        std::ofstream(dir / "big.yaml") << big;
    }
    auto loaded = ptzgrab::load_source_config(dir / "big.yaml");
    REQUIRE_FALSE(loaded.has_value());
    CHECK(contains(loaded.error().message, "larger than 1 MiB"));
    {
        std::ofstream(dir / "small.yaml") << "- {name: a, url: rtsp://x/s}\n";
    }
    CHECK(ptzgrab::load_source_config(dir / "small.yaml").has_value());
}
