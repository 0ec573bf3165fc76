// A frame's prepared header lines are built once and shared; a reload forgets removed sources'.
#include <doctest/doctest.h>

#include "web/frame_heads.hpp"

using namespace ptzgrab;
using namespace ptzgrab::web;

namespace {

Snapshot held_frame() {
    Snapshot s;
    s.frame.grabbed_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'000'000'123));
    s.jpeg = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>{0xff, 0xd8, 'p', 'i', 'x', 0xff, 0xd9});
    s.from_cache = true;
    return s;
}

}  // namespace

TEST_CASE("frame heads: one frame's lines are built once and shared by every request for it") {
    FrameHeads heads;
    Snapshot frame = held_frame();
    auto first = heads.lines_for("a", frame);
    REQUIRE(first);
    CHECK(heads.lines_for("a", frame) == first);
    Snapshot next = held_frame();  // equal bytes, another frame
    CHECK(heads.lines_for("a", next) != first);
}

TEST_CASE("frame heads: a reload forgets the removed sources' lines and keeps the others'") {
    FrameHeads heads;
    Snapshot a_frame = held_frame(), b_frame = held_frame();
    auto a_lines = heads.lines_for("a", a_frame);
    auto b_lines = heads.lines_for("b", b_frame);
    REQUIRE(a_lines);
    REQUIRE(b_lines);
    heads.forget({"b", "never-asked-for"});
    CHECK(heads.lines_for("a", a_frame) == a_lines);
    CHECK(heads.lines_for("b", b_frame) != b_lines);  // built afresh: the entry was gone
}
