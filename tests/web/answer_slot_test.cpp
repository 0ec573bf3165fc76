// The hand-over of the router's answer to the request's coroutine, in each order it can happen:
// before the coroutine looks, after it waits, and between its look and its wait; and the Reply
// that carries it, whose copies share one target.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "web/answer_slot.hpp"
#include "web/reply.hpp"

using namespace ptzgrab::web;

namespace {

Answer answer_with_status(http::status status) {
    Response res;
    res.result(status);
    return Answer(std::move(res));
}

// Counts its own copies: a Reply must never copy what it calls.
struct CountingCall {
    std::shared_ptr<int> copies = std::make_shared<int>(0);
    std::shared_ptr<int> calls = std::make_shared<int>(0);
    CountingCall() = default;
    CountingCall(const CountingCall& other) : copies(other.copies), calls(other.calls) { ++*copies; }
    CountingCall(CountingCall&&) = default;
    void operator()(Answer) { ++*calls; }
};

}  // namespace

TEST_CASE("reply: copies share one target; the callable is moved in once and never copied") {
    CountingCall call;
    auto copies = call.copies;
    auto calls = call.calls;
    Reply reply(std::move(call));
    Reply copy = reply;
    Reply copy_of_copy = copy;  // as a route hands the reply on to the cache's callback
    copy_of_copy(answer_with_status(http::status::ok));
    CHECK(*calls == 1);
    CHECK(*copies == 0);
    reply(answer_with_status(http::status::gone));  // a second call, through any copy: dropped
    CHECK(*calls == 1);
}

TEST_CASE("reply: made from a slot, it delivers to that slot") {
    auto slot = std::make_shared<AnswerSlot>();
    Reply reply(slot);
    reply(answer_with_status(http::status::not_found));
    auto taken = slot->take();
    REQUIRE(taken);
    CHECK(taken->head.result() == http::status::not_found);
}

TEST_CASE("answer slot: an answer delivered before the look is taken at once, and only once") {
    AnswerSlot slot;
    slot.deliver(answer_with_status(http::status::ok));
    auto taken = slot.take();
    REQUIRE(taken);
    CHECK(taken->head.result() == http::status::ok);
    CHECK_FALSE(slot.take());
}

TEST_CASE("answer slot: a waiting coroutine is resumed by the delivering thread, with that answer") {
    AnswerSlot slot;
    CHECK_FALSE(slot.take());
    std::atomic<int> resumed{0};
    std::atomic<bool> same_thread{false};
    std::thread::id waiter = std::this_thread::get_id();
    slot.wait([&](Answer answer) {
        same_thread = std::this_thread::get_id() == waiter;
        resumed = static_cast<int>(answer.head.result_int());
    });
    CHECK(resumed == 0);  // nothing delivered yet: the wait is parked, not run
    std::thread grab([&] { slot.deliver(answer_with_status(http::status::gateway_timeout)); });
    grab.join();
    CHECK(resumed == 504);
    CHECK_FALSE(same_thread);
    CHECK_FALSE(slot.take());  // handed over, not also kept
}

TEST_CASE("answer slot: an answer that comes between the look and the wait is handed over by the wait") {
    AnswerSlot slot;
    CHECK_FALSE(slot.take());
    slot.deliver(answer_with_status(http::status::not_found));  // after the look, before the wait
    int resumed = 0;
    slot.wait([&](Answer answer) { resumed = static_cast<int>(answer.head.result_int()); });
    CHECK(resumed == 404);
}

TEST_CASE("answer slot: only a request's first answer counts; rearmed, the slot takes the next request's") {
    AnswerSlot slot;
    slot.deliver(answer_with_status(http::status::ok));
    slot.deliver(answer_with_status(http::status::gone));  // a second call: dropped
    auto taken = slot.take();
    REQUIRE(taken);
    CHECK(taken->head.result() == http::status::ok);
    slot.deliver(answer_with_status(http::status::gone));  // even after the take
    CHECK_FALSE(slot.take());
    slot.rearm();
    slot.deliver(answer_with_status(http::status::not_found));
    taken = slot.take();
    REQUIRE(taken);
    CHECK(taken->head.result() == http::status::not_found);
}

TEST_CASE("answer slot: racing deliveries and waits hand every answer over exactly once") {
    for (int round = 0; round < 2000; ++round) {
        AnswerSlot slot;
        std::atomic<int> resumed{0};
        std::thread grab([&] { slot.deliver(answer_with_status(http::status::ok)); });
        if (auto taken = slot.take()) {
            resumed += 1;
        } else {
            slot.wait([&](Answer) { resumed += 1; });
        }
        grab.join();
        REQUIRE(resumed == 1);
    }
}

TEST_CASE("answer slot: a slot dropped with no answer lets go of the waiting resume (nothing kept alive)") {
    auto held_by_resume = std::make_shared<int>(7);  // stands for the coroutine the resume would wake
    std::weak_ptr<int> watch = held_by_resume;
    {
        auto slot = std::make_shared<AnswerSlot>();
        CHECK_FALSE(slot->take());
        slot->wait([kept = std::move(held_by_resume)](Answer) {});
        CHECK_FALSE(watch.expired());
    }  // the reply that held the slot is gone, never called
    CHECK(watch.expired());
}
