#include <doctest/doctest.h>

#include <fstream>
#include <future>
#include <utility>

#include "core/latest_frame_store.hpp"
#include "support/fixtures.hpp"
#include "support/full_disk.hpp"

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

TEST_CASE("latest frames: a full static folder falls back, leaves no stale frame behind, and is tried again later") {
    testing::FullDisk disk;
    REQUIRE_MESSAGE(disk.mounted(), "this test mounts a small tmpfs for a real full disk: run it as root");
    testing::ScratchDir dir;
    auto now = std::chrono::steady_clock::now();
    LatestFrameStoreOptions options;
    options.retry_preferred_every = std::chrono::seconds(30);
    options.now = [&now] { return now; };
    fs::path preferred = disk.path() / "static", fallback = dir / "fallback";
    LatestFrameStore store(preferred, {fallback}, options);
    std::vector<uint8_t> jpeg(20'000, 7);

    REQUIRE(store.write("cam", true, jpeg).has_value());
    CHECK(store.directory() == preferred);
    store.take_change_note();

    disk.fill();  // ENOSPC from the kernel from here on
    REQUIRE(store.write("cam", true, jpeg).has_value());
    CHECK(store.directory() == fallback);
    CHECK(fs::exists(fallback / "cam/latest.jpg"));
    CHECK_FALSE(fs::exists(preferred / "cam/latest.jpg"));  // the old frame would look current
    CHECK_FALSE(fs::exists(preferred / "latest.jpg"));
    std::string note = store.take_change_note();
    CHECK(note.find("No space left") != std::string::npos);
    CHECK(note.find("removed 2 stale frame(s)") != std::string::npos);  // latest.jpg and cam/latest.jpg

    disk.make_room();
    now += std::chrono::seconds(10);  // not yet time to try again
    REQUIRE(store.write("cam", true, jpeg).has_value());
    CHECK(store.directory() == fallback);

    now += std::chrono::seconds(25);
    REQUIRE(store.write("cam", true, jpeg).has_value());
    CHECK(store.directory() == preferred);
    CHECK(fs::file_size(preferred / "cam/latest.jpg") == jpeg.size());
    CHECK_FALSE(fs::exists(fallback / "cam/latest.jpg"));
    CHECK_FALSE(fs::exists(fallback / "latest.jpg"));
}

TEST_CASE("latest frames: asking where frames go never waits for a disk write in progress") {
    testing::ScratchDir dir;
    std::promise<void> writing, release;
    auto released = release.get_future().share();
    LatestFrameStoreOptions options;
    bool first = false;
    options.write_file = [&](const fs::path& target, std::span<const uint8_t> bytes) {
        if (std::exchange(first, false)) {
            writing.set_value();
            released.wait_for(std::chrono::seconds(10));  // a disk that stalls
        }
        return write_file_atomically(target, bytes);
    };
    LatestFrameStore store(dir / "static", {}, options);
    std::vector<uint8_t> jpeg(100, 1);
    REQUIRE(store.write("cam", false, jpeg).has_value());  // the folder is known from here on
    first = true;
    auto writer = std::async(std::launch::async, [&] { return store.write("cam", false, jpeg).has_value(); });
    REQUIRE(writing.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    auto asked = std::async(std::launch::async, [&] { return store.directory(); });
    bool answered = asked.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    release.set_value();
    CHECK(answered);
    CHECK(asked.get() == dir / "static");
    CHECK(writer.get());
}

namespace {

// A disk seam that says "No space left on device" for every file under `full`.
LatestFrameStoreOptions full_under(fs::path full, std::function<bool(const fs::path&)> fails = {}) {
    LatestFrameStoreOptions options;
    options.write_file = [full, fails](const fs::path& target, std::span<const uint8_t> bytes) -> Result<void> {
        bool under = target.string().starts_with(full.string() + "/");
        if (under && (!fails || fails(target))) return make_error(ErrorKind::io_error, "write failed", "No space left on device");
        return write_file_atomically(target, bytes);
    };
    return options;
}

}  // namespace

TEST_CASE("latest frames: frames an earlier run left in a folder that is now full are removed on fall back") {
    testing::ScratchDir dir;
    fs::path preferred = dir / "static";
    std::vector<uint8_t> old_frame(50, 3), jpeg(100, 4);
    REQUIRE(write_file_atomically(preferred / "latest.jpg", old_frame).has_value());
    REQUIRE(write_file_atomically(preferred / "cam" / "latest.jpg", old_frame).has_value());
    REQUIRE(write_file_atomically(preferred / "notes.txt", old_frame).has_value());  // not ours
    auto options = full_under(preferred);
    options.sources = {"cam"};
    LatestFrameStore store(preferred, {dir / "fallback"}, options);
    REQUIRE(store.write("cam", true, jpeg).has_value());
    CHECK(store.directory() == dir / "fallback");
    CHECK_FALSE(fs::exists(preferred / "latest.jpg"));
    CHECK_FALSE(fs::exists(preferred / "cam" / "latest.jpg"));
    CHECK(fs::exists(preferred / "notes.txt"));
}

TEST_CASE("latest frames: half a write (the disk fills between the two files) leaves neither behind") {
    testing::ScratchDir dir;
    fs::path preferred = dir / "static";
    auto options = full_under(preferred, [&](const fs::path& target) { return target == preferred / "latest.jpg"; });
    LatestFrameStore store(preferred, {dir / "fallback"}, options);
    std::vector<uint8_t> jpeg(100, 5);
    REQUIRE(store.write("cam", true, jpeg).has_value());
    CHECK(store.directory() == dir / "fallback");
    CHECK_FALSE(fs::exists(preferred / "cam" / "latest.jpg"));  // written first, then taken back
    CHECK(fs::exists(dir / "fallback" / "cam" / "latest.jpg"));
    CHECK(fs::exists(dir / "fallback" / "latest.jpg"));
}

namespace {

std::vector<uint8_t> bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

LatestFrameStoreOptions sources_in_force(std::vector<std::string> names) {
    LatestFrameStoreOptions options;
    options.sources = std::move(names);
    return options;
}

}  // namespace

TEST_CASE("latest frames: a reload that puts another source first makes its held frame latest.jpg at once") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "b"}));
    std::vector<uint8_t> a_frame(100, 1), b_frame(200, 2);
    REQUIRE(store.write("a", true, a_frame).has_value());
    REQUIRE(store.write("b", false, b_frame).has_value());
    CHECK(bytes_of(dir / "static/latest.jpg") == a_frame);
    store.set_sources({"b", "a"});
    CHECK(bytes_of(dir / "static/latest.jpg") == b_frame);
    CHECK(bytes_of(dir / "static/a/latest.jpg") == a_frame);  // a is kept: its own file stays
}

TEST_CASE("latest frames: a reload whose new first source has no frame yet leaves no latest.jpg until it has one") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "b"}));
    std::vector<uint8_t> a_frame(100, 1), c_frame(300, 3);
    REQUIRE(store.write("a", true, a_frame).has_value());
    SUBCASE("the old first source removed") { store.set_sources({"c"}); }
    SUBCASE("the old first source kept, second now") { store.set_sources({"c", "a"}); }
    CHECK_FALSE(fs::exists(dir / "static/latest.jpg"));
    REQUIRE(store.write("c", true, c_frame).has_value());
    CHECK(bytes_of(dir / "static/latest.jpg") == c_frame);
}

TEST_CASE("latest frames: a write that still calls the old first source the default after a reload leaves "
          "latest.jpg alone") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "b"}));
    std::vector<uint8_t> a_frame(100, 1), b_frame(200, 2), late_a(150, 4);
    REQUIRE(store.write("a", true, a_frame).has_value());
    REQUIRE(store.write("b", false, b_frame).has_value());
    store.set_sources({"b", "a"});
    REQUIRE(store.write("a", true, late_a).has_value());  // a grab that read the default before the reload
    CHECK(bytes_of(dir / "static/a/latest.jpg") == late_a);
    CHECK(bytes_of(dir / "static/latest.jpg") == b_frame);
}

TEST_CASE("latest frames: a reload that keeps the first source leaves latest.jpg as it is") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "b"}));
    std::vector<uint8_t> a_frame(100, 1);
    REQUIRE(store.write("a", true, a_frame).has_value());
    store.set_sources({"a", "c"});
    CHECK(bytes_of(dir / "static/latest.jpg") == a_frame);
}

TEST_CASE("latest frames: a reload removes the removed sources' frames and their folders once empty, and "
          "nothing else") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "b", "c"}));
    std::vector<uint8_t> jpeg(100, 1);
    for (const char* name : {"a", "b", "c"}) REQUIRE(store.write(name, name == std::string("a"), jpeg).has_value());
    std::ofstream(dir / "static/c/notes.txt") << "the operator's";
    store.set_sources({"a"});
    CHECK_FALSE(fs::exists(dir / "static/b"));
    CHECK_FALSE(fs::exists(dir / "static/c/latest.jpg"));
    CHECK(fs::exists(dir / "static/c/notes.txt"));  // not empty: the folder stays
    CHECK(bytes_of(dir / "static/a/latest.jpg") == jpeg);
    CHECK(bytes_of(dir / "static/latest.jpg") == jpeg);
}

TEST_CASE("latest frames: a removed source's name held by an operator's file or symlink in the folder is left alone") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "notes", "cam"}));
    std::vector<uint8_t> jpeg(100, 1);
    REQUIRE(store.write("a", true, jpeg).has_value());
    std::ofstream(dir / "static/notes") << "the operator's";
    fs::create_directories(dir / "elsewhere");
    fs::create_directory_symlink(dir / "elsewhere", dir / "static/cam");
    store.set_sources({"a"});
    CHECK(fs::is_regular_file(dir / "static/notes"));
    CHECK(fs::is_symlink(dir / "static/cam"));
    CHECK(fs::is_directory(dir / "elsewhere"));
}

TEST_CASE("latest frames: a write begun before a reload that made its source the default updates latest.jpg") {
    testing::ScratchDir dir;
    LatestFrameStore store(dir / "static", {}, sources_in_force({"a", "b"}));
    std::vector<uint8_t> a_frame(100, 1), b_frame(200, 2);
    REQUIRE(store.write("a", true, a_frame).has_value());
    store.set_sources({"b", "a"});  // b has no frame yet: latest.jpg goes
    REQUIRE(store.write("b", false, b_frame).has_value());  // its grab read "not the default" before the reload
    CHECK(bytes_of(dir / "static/latest.jpg") == b_frame);
}
