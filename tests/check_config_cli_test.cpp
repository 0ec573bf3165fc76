// `ptzgrab check-config` run as an operator would before a reload: the real binary on real files.
#include <doctest/doctest.h>

#include <fstream>

#include "support/fixtures.hpp"

using namespace ptzgrab::testing;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("check-config: a valid file exits 0 and prints every default, with no password in the output") {
    ScratchDir dir;
    std::ofstream(dir / "cams.yaml") << "# the gate\n"
                                        "sources:\n"
                                        "  - name: gate\n"
                                        "    url: rtsp://viewer:hunter22@10.0.0.21/stream1\n"
                                        "    onvif:\n"
                                        "      url: http://10.0.0.21/onvif/device_service\n"
                                        "      password: onvif-secret-77\n";
    auto r = run_ptzgrab({"check-config", (dir / "cams.yaml").string(), "--max-age", "2", "--live", "always"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CAPTURE(r.out);
    CHECK(contains(r.out, "valid, 1 source"));
    for (const char* shown : {"name: \"gate\"", "url: \"rtsp://viewer:***@10.0.0.21/stream1\"", "max_age_s: 2\n",
                              "timeout_s: 10\n", "live: always\n", "live_idle_s: 300\n", "password: \"***\""})
        CHECK_MESSAGE(contains(r.out, shown), shown);
    CHECK_FALSE(contains(r.out + r.err, "hunter22"));
    CHECK_FALSE(contains(r.out + r.err, "onvif-secret-77"));

    // What it prints is itself a valid camera file.
    std::ofstream(dir / "effective.yaml") << r.out;
    auto again = run_ptzgrab({"check-config", (dir / "effective.yaml").string()});
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, "live: always\n"));  // kept: the printed file says it
}

TEST_CASE("check-config: the packaged example file is valid") {
    auto r = run_ptzgrab({"check-config", (source_dir() / "packaging/cameras.example.yaml").string()});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "valid, 2 sources"));
    CHECK_FALSE(contains(r.out, "secret"));  // the example's passwords are "secret"
}

TEST_CASE("check-config: a bad file or a second document exits 2 with file:line:column on stderr, an old JSON file still passes") {
    ScratchDir dir;
    std::ofstream(dir / "cams.yaml") << "sources:\n  - name: a\n    url: rtsp://x/\n    max_age_s: 0\n";
    auto bad = run_ptzgrab({"check-config", (dir / "cams.yaml").string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.empty());
    CHECK(contains(bad.err, (dir / "cams.yaml").string() +
                                ":4:16: sources[0].max_age_s: must be a number between 0.001 and 86400"));

    std::ofstream(dir / "broken.yaml") << "sources:\n  - {name: a,\n     url: x\n";
    auto broken = run_ptzgrab({"check-config", (dir / "broken.yaml").string()});
    CHECK(broken.exit_code == 2);
    CHECK(contains(broken.err, (dir / "broken.yaml").string() + ":4:"));
    CHECK(contains(broken.err, "not valid YAML"));

    std::ofstream(dir / "two.yaml") << "- name: a\n  url: rtsp://x/\n---\n- name: b\n  url: rtsp://y/\n";
    auto two = run_ptzgrab({"check-config", (dir / "two.yaml").string()});
    CHECK(two.exit_code == 2);
    CHECK(two.out.empty());
    CHECK(contains(two.err, (dir / "two.yaml").string() + ":3:1: not valid YAML: a second YAML document starts here"));

    std::ofstream(dir / "old.json") << R"({"sources": [{"name": "one", "url": "lavfi:testsrc2", "width": 320}]})";
    auto old = run_ptzgrab({"check-config", (dir / "old.json").string()});
    CHECK_MESSAGE(old.exit_code == 0, old.err);
    CHECK(contains(old.out, "width: 320\n"));
    CHECK(contains(old.out, "live: off\n"));  // a local source is never held open
}

TEST_CASE("check-config: a missing file or no file is a usage error, exit 2") {
    auto missing = run_ptzgrab({"check-config", "/nonexistent/cams.yaml"});
    CHECK(missing.exit_code == 2);
    CHECK(contains(missing.err, "/nonexistent/cams.yaml"));
    auto none = run_ptzgrab({"check-config"});
    CHECK(none.exit_code == 2);
}
