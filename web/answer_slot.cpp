#include "answer_slot.hpp"

#include <cassert>
#include <utility>

namespace ptzgrab::web {

void AnswerSlot::receive(Answer answer) {
    std::unique_lock lock(mutex_);
    if (!resume_) {
        answer_.emplace(std::move(answer));
        return;
    }
    Resume resume = std::exchange(resume_, nullptr);
    lock.unlock();  // resume may free this slot (it ends the wait); nothing here is touched after it
    resume(std::move(answer));
}

std::optional<Answer> AnswerSlot::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(answer_, std::nullopt);
}

void AnswerSlot::wait(Resume resume) {
    std::unique_lock lock(mutex_);
    if (!answer_) {
        resume_ = std::move(resume);
        return;
    }
    std::optional<Answer> answer = std::exchange(answer_, std::nullopt);
    lock.unlock();
    resume(std::move(*answer));
}

void AnswerSlot::rearm() {
    std::lock_guard lock(mutex_);
    assert(!answer_ && !resume_);  // taken, and never waited on (a waited slot is not kept)
    expect_next_request();
}

}  // namespace ptzgrab::web
