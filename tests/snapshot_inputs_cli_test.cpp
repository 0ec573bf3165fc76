// `ptzgrab snapshot` on inputs that once broke it: wide cameras and a full temp folder.
#include <doctest/doctest.h>

#include <fstream>

#include "core/frame.hpp"
#include "support/fixtures.hpp"
#include "support/full_disk.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;

namespace {

Frame decoded(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto frame = decode_frame(bytes, std::chrono::system_clock::now());
    REQUIRE_MESSAGE(frame.has_value(), p.string() << " is not a JPEG");
    return *frame;
}

}  // namespace

TEST_CASE("snapshot: a 5120x1440 panoramic camera is grabbed at its full size") {
    ScratchDir dir;
    auto r = run_ptzgrab({"snapshot", "--url", "lavfi:testsrc2=size=5120x1440:rate=1", "-o", (dir / "w.jpg").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    Frame f = decoded(dir / "w.jpg");
    CHECK(f.width == 5120);
    CHECK(f.height == 1440);
}

TEST_CASE("snapshot: a full temp folder is an I/O error that says so, not a camera problem") {
    FullDisk full;
    REQUIRE_MESSAGE(full.mounted(), "this test mounts a small tmpfs for a real full disk: run it as root");
    full.fill();
    ScratchDir out;
    auto r = run_ptzgrab({"snapshot", "--url", "lavfi:testsrc2=size=640x360:rate=1", "-o", (out / "o.jpg").string()},
                         {{"TMPDIR", full.path().string()}});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("io_error") != std::string::npos);
    CHECK(r.err.find("temp folder") != std::string::npos);
    CHECK(r.err.find("no_frame") == std::string::npos);
    CHECK_FALSE(fs::exists(out / "o.jpg"));
    // Nothing of ptzgrab's is left on the full disk.
    for (const auto& entry : fs::directory_iterator(full.path())) CHECK(entry.path().filename() == ".filler");
}
