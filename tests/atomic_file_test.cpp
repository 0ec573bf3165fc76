#include <doctest/doctest.h>

#include <fstream>

#include "core/atomic_file.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;

namespace {
std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

TEST_CASE("atomic file: creates missing folders and replaces the file whole") {
    testing::ScratchDir dir;
    std::vector<uint8_t> first(1000, 'a'), second(10, 'b');
    auto target = dir / "a/b/latest.jpg";
    REQUIRE(write_file_atomically(target, first).has_value());
    CHECK(read(target) == std::string(1000, 'a'));
    REQUIRE(write_file_atomically(target, second).has_value());
    CHECK(read(target) == std::string(10, 'b'));
    CHECK(std::distance(std::filesystem::directory_iterator(dir / "a/b"), {}) == 1);  // no temp left
}

TEST_CASE("atomic file: an unwritable place is an io_error and leaves the old file alone") {
    testing::ScratchDir dir;
    std::ofstream(dir / "plainfile") << "x";
    std::vector<uint8_t> bytes(5, 'z');
    auto r = write_file_atomically(dir / "plainfile/sub/latest.jpg", bytes);  // parent is a regular file
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::io_error);
    CHECK(read(dir / "plainfile") == "x");
}
