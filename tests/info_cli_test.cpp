#include <doctest/doctest.h>

#include "support/fixtures.hpp"

using namespace ptzgrab::testing;

TEST_CASE("info: says ffmpeg is usable, with its path and version") {
    auto r = run_ptzgrab({"info"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("(usable)") != std::string::npos);
    CHECK(r.out.find("OpenCV") != std::string::npos);
    auto json = run_ptzgrab({"info", "--json"});
    CHECK(json.exit_code == 0);
    CHECK(json.out.find("\"available\":true") != std::string::npos);
    CHECK(json.out.find("\"ptzgrab_version\":\"" PTZGRAB_VERSION "\"") != std::string::npos);
}

TEST_CASE("info: with no ffmpeg it says so and exits 3") {
    auto r = run_ptzgrab({"info", "--json", "--ffmpeg", "/nonexistent/ffmpeg"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("\"available\":false") != std::string::npos);
    auto env = run_ptzgrab({"info"}, {{"PTZGRAB_FFMPEG", "/also/missing"}});
    CHECK(env.exit_code == 3);
    CHECK(env.out.find("/also/missing") != std::string::npos);
}

TEST_CASE("cli: --version and --help document themselves") {
    auto v = run_ptzgrab({"--version"});
    CHECK(v.exit_code == 0);
    CHECK(v.out.find(PTZGRAB_VERSION) != std::string::npos);
    auto h = run_ptzgrab({"--help"});
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("Exit codes: 0 ok, 2 usage error, 3 ffmpeg missing") != std::string::npos);
    CHECK(h.out.find("* * * * *") != std::string::npos);
}
