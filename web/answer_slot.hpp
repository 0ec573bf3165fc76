#pragma once
// Hands the router's answer to the request's coroutine. Most answers (a held frame, a status) come
// before Router::handle returns and are taken at once, with no post; an answer from a grab thread
// is posted to the connection's io thread. Whichever comes second, the answer or the wait, hands over.
// A slot whose answer was taken, and that no reply holds any more, serves the connection's next request.
#include <functional>
#include <mutex>
#include <optional>

#include "http_types.hpp"
#include "reply.hpp"

namespace ptzgrab::web {

class AnswerSlot final : public ReplyTarget {
public:
    using Resume = std::function<void(Answer)>;

    /// The coroutine's thread, before the slot serves another request: only when take() gave its
    /// answer and no reply holds it (use_count() == 1), so that no call can still come.
    void rearm();

    /// The coroutine's thread, right after Router::handle: the answer if it has come.
    std::optional<Answer> take();

    /// The coroutine's thread, when take() found nothing: `resume` gets the answer, here (inside
    /// the caller's suspension) if it came in between, else on the thread that delivers it; so
    /// `resume` must post the coroutine's resumption, never resume it inline.
    void wait(Resume resume);

private:
    // The router's reply, through deliver() (Reply(slot)): any thread, the first call per request.
    // Runs `resume` here if the coroutine already waits.
    void receive(Answer answer) override;

    std::mutex mutex_;
    std::optional<Answer> answer_;  // delivered before anyone waited
    Resume resume_;                 // waiting before anything was delivered
};

}  // namespace ptzgrab::web
