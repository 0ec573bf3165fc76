#include <doctest/doctest.h>

#include <deque>

#include "ptz/settle.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;
using namespace std::chrono;

namespace {

PtzStatus at(double pan, MoveState state) { return PtzStatus{Axes{pan, 0.0, 0.0}, state, state, {}}; }

struct Script {
    std::deque<PtzStatus> statuses;  // the last one repeats
    int polls = 0;
    Result<PtzStatus> next() {
        ++polls;
        PtzStatus s = statuses.front();
        if (statuses.size() > 1) statuses.pop_front();
        return s;
    }
};

ClientOptions fast_options() {
    ClientOptions o;
    o.settle_poll = milliseconds(200);
    o.settle_time = milliseconds(2000);
    o.settle_timeout = milliseconds(10000);
    o.sleep = [](milliseconds) {};
    return o;
}

}  // namespace

TEST_CASE("settle: IDLE with the same position in two polls is settled") {
    Script s{{at(0.1, MoveState::moving), at(0.3, MoveState::moving), at(0.5, MoveState::idle), at(0.5, MoveState::idle)}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), MoveStart{});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->how == "idle");
    CHECK(s.polls == 4);
    CHECK(r->last.position.pan == 0.5);
}

TEST_CASE("settle: IDLE reported before the camera starts moving is not taken for the end of the move") {
    // Hikvision and Dahua answer IDLE at the old position for a few hundred ms after GotoPreset or AbsoluteMove.
    Script s{{at(0.0, MoveState::idle), at(0.0, MoveState::idle), at(0.2, MoveState::moving), at(0.4, MoveState::idle),
              at(0.4, MoveState::idle)}};
    MoveStart start{at(0.0, MoveState::idle), {}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), start);
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->how == "idle");
    CHECK(r->last.position.pan == 0.4);
    CHECK(s.polls == 5);
}

TEST_CASE("settle: without a known start, IDLE before any MOVING waits for the settle time") {
    Script s{{at(0.0, MoveState::idle)}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), MoveStart{});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->waited >= milliseconds(2000));
}

TEST_CASE("settle: IDLE away from the start position is the end of a move too fast to be seen MOVING") {
    Script s{{at(0.4, MoveState::idle)}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), MoveStart{at(0.0, MoveState::idle), {}});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->how == "idle");
    CHECK(s.polls == 2);
}

TEST_CASE("settle: IDLE at the target is settled even when the move did not change the position") {
    Script s{{at(0.3, MoveState::idle)}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(),
                             MoveStart{at(0.3, MoveState::idle), Axes{0.3, {}, {}}});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->how == "idle");
    CHECK(s.polls == 2);
}

TEST_CASE("settle: a camera without Position waits at least the settle time, even after MOVING then IDLE") {
    PtzStatus moving{Axes{}, MoveState::moving, MoveState::moving, {}};
    PtzStatus idle{Axes{}, MoveState::idle, MoveState::idle, {}};
    Script s{{idle, idle, moving, idle}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), MoveStart{idle, {}});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->waited >= milliseconds(2000));
    CHECK(r->last.pan_tilt == MoveState::idle);
}

TEST_CASE("settle: without MoveStatus, the position must hold after the settle time") {
    Script s{{at(0.5, MoveState::unknown)}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), MoveStart{});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->how == "settle time (no MoveStatus)");
    CHECK(r->waited >= milliseconds(2000));
}

TEST_CASE("settle: a MoveStatus stuck at MOVING is settled once the position holds after the settle time") {
    Script s{{at(0.1, MoveState::moving), at(0.2, MoveState::moving), at(0.3, MoveState::moving)}};
    auto r = wait_for_settle([&] { return s.next(); }, fast_options(), MoveStart{});
    REQUIRE(r);
    CHECK(r->settled);
    CHECK(r->how == "position steady (MoveStatus stuck)");
    CHECK(r->waited >= milliseconds(2000));
}

TEST_CASE("settle: a camera that never stops moving gives settled=false at the deadline") {
    double pan = 0;
    int polls = 0;
    auto r = wait_for_settle(
        [&]() -> Result<PtzStatus> {
            ++polls;
            pan += 0.01;
            return at(pan, MoveState::moving);
        },
        fast_options(), MoveStart{});
    REQUIRE(r);
    CHECK_FALSE(r->settled);
    CHECK(r->waited >= milliseconds(10000));
    CHECK(polls == 51);
}

TEST_CASE("settle: a status error ends the wait with that error") {
    auto r = wait_for_settle([]() -> Result<PtzStatus> { return make_error(ErrorKind::timeout, "GetStatus: slow"); },
                             fast_options(), MoveStart{});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::timeout);
}
