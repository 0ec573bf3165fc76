#pragma once
// A request's reply, shared rather than copied: routes hand it on to the cache's and the render
// pool's callbacks, and each copy of a std::function copied the whole request's state with it.
#include <atomic>
#include <cassert>
#include <concepts>
#include <memory>
#include <utility>

#include "http_types.hpp"

namespace ptzgrab::web {

/// What a reply calls; a type that is one (AnswerSlot) becomes a Reply with no allocation.
class ReplyTarget {
public:
    virtual ~ReplyTarget() = default;

    /// Any thread. The first call per request is received; a later one is dropped (it answers no one).
    void deliver(Answer answer) {
        if (!delivered_.exchange(true)) receive(std::move(answer));
    }

protected:
    virtual void receive(Answer answer) = 0;
    /// For a target that serves another request once no call of the last one can still come.
    void expect_next_request() { delivered_.store(false); }

private:
    std::atomic<bool> delivered_{false};
};

/// Called once per request, from whichever thread has the answer; a Response converts to an
/// Answer. Copies share one target, and a call after the first is dropped (it answers no one).
class Reply {
public:
    explicit Reply(std::shared_ptr<ReplyTarget> target) : target_(std::move(target)) { assert(target_); }

    template <class Call>
        requires(!std::derived_from<Call, Reply> && std::invocable<Call&, Answer>)
    Reply(Call call) : target_(std::make_shared<CallTarget<Call>>(std::move(call))) {}  // NOLINT: as std::function

    void operator()(Answer answer) const {
        assert(target_);  // not moved from
        target_->deliver(std::move(answer));
    }

private:
    template <class Call>
    struct CallTarget final : ReplyTarget {
        explicit CallTarget(Call c) : call(std::move(c)) {}
        void receive(Answer answer) override { call(std::move(answer)); }
        Call call;
    };

    std::shared_ptr<ReplyTarget> target_;
};

}  // namespace ptzgrab::web
