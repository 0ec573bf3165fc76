// A frame's prepared header lines are built once and shared, its JPEG file made from its second
// request on and dropped with the frame; a reload forgets removed sources'.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <vector>

#include "support/fixtures.hpp"
#include "web/body_file.hpp"
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

TEST_CASE("frame heads: one frame's lines are built once and shared; its JPEG file comes with the second request") {
    FrameHeads heads;
    Snapshot frame = held_frame();
    auto first = heads.lines_for("a", frame);
    REQUIRE(first);
    CHECK_FALSE(first->jpeg_file);  // asked for once: sent from memory
    auto second = heads.lines_for("a", frame);
    REQUIRE(second);
    REQUIRE(second->jpeg_file);
    CHECK(second->jpeg_file->size() == frame.jpeg->size());
    CHECK(second->before_age == first->before_age);
    CHECK(second->after_cache == first->after_cache);
    CHECK(second->content_length == first->content_length);
    CHECK(heads.lines_for("a", frame) == second);  // from then on shared as it is
    Snapshot next = held_frame();  // equal bytes, another frame
    CHECK(heads.lines_for("a", next) != second);
}

TEST_CASE("frame heads: the file is written by the writer's thread into its folder; answers go from memory meanwhile") {
    ptzgrab::testing::ScratchDir folder;
    std::vector<std::function<void()>> queued;  // the writer's thread, run when the test says
    FrameHeads heads({.directory = [&] { return folder.path(); },
                      .run = [&](std::function<void()> work) { queued.push_back(std::move(work)); }});
    Snapshot frame = held_frame();
    heads.lines_for("a", frame);
    auto second = heads.lines_for("a", frame);
    REQUIRE(second);
    CHECK_FALSE(second->jpeg_file);  // not written on the asking (io) thread
    REQUIRE(queued.size() == 1);
    CHECK_FALSE(heads.lines_for("a", frame)->jpeg_file);
    CHECK(queued.size() == 1);  // one write per frame, however many ask meanwhile
    queued.front()();
    auto written = heads.lines_for("a", frame);
    REQUIRE(written->jpeg_file);
    CHECK(written->jpeg_file->size() == frame.jpeg->size());
    std::error_code ec;
    auto where = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(written->jpeg_file->fd()), ec);
    CHECK(where.string().starts_with((folder.path() / "#").string()));
    CHECK(queued.size() == 1);
}

TEST_CASE("frame heads: a file written after its frame was replaced is not kept") {
    std::vector<std::function<void()>> queued;
    FrameHeads heads({.directory = {}, .run = [&](std::function<void()> work) { queued.push_back(std::move(work)); }});
    Snapshot old_frame = held_frame(), new_frame = held_frame();
    new_frame.frame.grabbed_at += std::chrono::seconds(1);
    heads.lines_for("a", old_frame);
    heads.lines_for("a", old_frame);
    REQUIRE(queued.size() == 1);
    auto new_lines = heads.lines_for("a", new_frame);  // the next frame comes before the write runs
    queued.front()();
    CHECK(heads.lines_for("a", new_frame) == new_lines);  // the old frame's file did not take its place
    CHECK_FALSE(new_lines->jpeg_file);
}

TEST_CASE("frame heads: a frame the cache dropped takes its file with it at the next frame's build") {
    FrameHeads heads;
    std::weak_ptr<const FrameLines> dropped;
    {
        Snapshot frame = held_frame();
        heads.lines_for("a", frame);
        dropped = heads.lines_for("a", frame);  // the one with the file
        REQUIRE(dropped.lock()->jpeg_file);
    }  // the frame's JPEG is gone: the cache let it go
    CHECK_FALSE(dropped.expired());  // still held by its entry until a sweep
    Snapshot other = held_frame();
    heads.lines_for("b", other);
    CHECK(dropped.expired());
}

TEST_CASE("frame heads: lines of an older frame built late never replace a newer frame's") {
    FrameHeads heads;
    Snapshot older = held_frame(), newer = held_frame();
    newer.frame.grabbed_at += std::chrono::seconds(1);
    auto newer_lines = heads.lines_for("a", newer);
    heads.lines_for("a", older);  // a slow request for the frame before
    CHECK(heads.lines_for("a", newer)->jpeg_file);  // still newer's entry: this was its second request
    CHECK(heads.lines_for("a", newer)->before_age == newer_lines->before_age);
}

TEST_CASE("frame heads: a reload forgets the removed sources' lines and keeps the others'") {
    FrameHeads heads;
    Snapshot a_frame = held_frame(), b_frame = held_frame();
    heads.lines_for("a", a_frame);
    heads.lines_for("b", b_frame);
    auto a_lines = heads.lines_for("a", a_frame);  // the second requests: settled, with their files
    auto b_lines = heads.lines_for("b", b_frame);
    REQUIRE(a_lines);
    REQUIRE(b_lines);
    heads.forget({"b", "never-asked-for"});
    CHECK(heads.lines_for("a", a_frame) == a_lines);
    CHECK(heads.lines_for("b", b_frame) != b_lines);  // built afresh: the entry was gone
}
