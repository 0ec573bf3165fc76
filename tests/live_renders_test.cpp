// LiveRenders: a live frame rendered at most once, on the source's lane, also when it fails.
#include <doctest/doctest.h>

#include <future>
#include <thread>

#include "core/live_renders.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<const LiveFrame> broken_frame(uint64_t sequence) {
    auto frame = std::make_shared<LiveFrame>();
    frame->sequence = sequence;
    // Starts and ends like a JPEG, holds nothing a decoder can use.
    frame->jpeg = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>{0xFF, 0xD8, 0x00, 0x01, 0xFF, 0xD9});
    frame->arrived = std::chrono::steady_clock::now();
    frame->arrived_wall = std::chrono::system_clock::now();
    return frame;
}

}  // namespace

TEST_CASE("live renders: a frame that fails to render is not rendered again; later callers get its error at once") {
    SourceLane lane;
    LiveRenders renders(lane, RenderOptions{}, nullptr);
    auto frame = broken_frame(7);

    std::promise<Result<Snapshot>> first;
    renders.render(frame, [&](Result<Snapshot> r) { first.set_value(std::move(r)); });
    auto first_answer = first.get_future();
    REQUIRE(first_answer.wait_for(20s) == std::future_status::ready);
    auto failed = first_answer.get();
    REQUIRE_FALSE(failed.has_value());

    // The lane is busy: a second render of the frame would queue behind this and answer only later.
    std::promise<void> gate;
    auto opened = gate.get_future().share();
    REQUIRE(lane.post([opened] { opened.wait_for(20s); }));
    std::optional<Result<Snapshot>> again;
    renders.render(frame, [&](Result<Snapshot> r) { again = std::move(r); });
    bool answered_at_once = again.has_value();
    gate.set_value();
    lane.join();
    REQUIRE(answered_at_once);
    REQUIRE_FALSE(again->has_value());
    CHECK(again->error().kind == failed.error().kind);
    CHECK(again->error().message == failed.error().message);
}
