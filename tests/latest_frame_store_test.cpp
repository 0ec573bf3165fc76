#include <doctest/doctest.h>

#include <fstream>

#include "core/latest_frame_store.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
namespace fs = std::filesystem;

TEST_CASE("latest frames: written per source and, for the default source, as latest.jpg") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {});
    std::vector<uint8_t> jpeg(100, 1);
    auto written = store.write("cam1", true, jpeg);
    REQUIRE(written.has_value());
    CHECK(fs::file_size(dir / "static/cam1/latest.jpg") == 100);
    CHECK(fs::file_size(dir / "static/latest.jpg") == 100);
    REQUIRE(store.write("cam2", false, jpeg).has_value());
    CHECK(fs::exists(dir / "static/cam2/latest.jpg"));
    CHECK(store.directory() == dir / "static");
}

TEST_CASE("latest frames: an unwritable folder falls back to the next one and says so once") {
    testing::ScratchDir dir;
    std::ofstream(dir / "file") << "x";  // a folder under a regular file cannot be made, even by root
    LatestFrameStore store(dir / "file/static", {dir / "fallback"});
    std::vector<uint8_t> jpeg(10, 2);
    auto written = store.write("cam", true, jpeg);
    REQUIRE(written.has_value());
    CHECK(fs::exists(dir / "fallback/latest.jpg"));
    CHECK(store.directory() == dir / "fallback");
    std::string note = store.take_change_note();
    CHECK(note.find((dir / "fallback").string()) != std::string::npos);
    CHECK(store.take_change_note().empty());
}

TEST_CASE("latest frames: no writable folder is an error, and names cannot climb out") {
    testing::ScratchDir dir;
    std::ofstream(dir / "file") << "x";
    LatestFrameStore store(dir / "file/a", {dir / "file/b"});
    std::vector<uint8_t> jpeg(10, 2);
    CHECK_FALSE(store.write("cam", true, jpeg).has_value());
    LatestFrameStore ok(dir / "ok", {});
    CHECK_FALSE(ok.write("../escape", false, jpeg).has_value());
    CHECK_FALSE(ok.write("a/b", false, jpeg).has_value());
}

TEST_CASE("latest frames: the fallback list honours PTZGRAB_STATE_DIR first") {
    ::setenv("PTZGRAB_STATE_DIR", "/var/lib/ptzgrab-test", 1);
    auto dirs = fallback_directories();
    ::unsetenv("PTZGRAB_STATE_DIR");
    REQUIRE(dirs.size() >= 2);
    CHECK(dirs.front() == "/var/lib/ptzgrab-test");
    CHECK(dirs.back().filename().string().starts_with("ptzgrab-"));
}
