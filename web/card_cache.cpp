#include "card_cache.hpp"

#include <algorithm>

namespace ptzgrab::web {

void CardCache::get(const std::string& key, Draw draw, const Offload& offload, std::function<void(Card)> done) {
    Card held;
    {
        std::lock_guard lock(mutex_);
        Entry& entry = entries_[key];
        if (entry.order == 0) entry.order = ++next_order_;
        if (entry.card) {
            held = entry.card;
        } else {
            entry.waiters.push_back(std::move(done));
            if (entry.drawing) return;
            entry.drawing = true;
            ++drawings_;
        }
    }
    if (held) return done(std::move(held));
    offload([this, key, draw = std::move(draw)] {
        Card card;
        try {  // bad_alloc or cv::Exception: the waiters still get an answer
            auto bytes = draw();
            if (!bytes.empty()) card = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
        } catch (...) {
        }
        finish(key, std::move(card));
    });
}

void CardCache::finish(const std::string& key, Card card) {
    std::vector<std::function<void(Card)>> waiters;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) return;
        waiters.swap(it->second.waiters);
        it->second.drawing = false;
        if (!card) {
            entries_.erase(it);  // a failed drawing is tried again by the next request
        } else {
            it->second.card = card;
        }
        while (entries_.size() > max_cards) {
            auto oldest = std::ranges::min_element(entries_, {}, [](const auto& kv) {
                return kv.second.drawing ? UINT64_MAX : kv.second.order;
            });
            if (oldest == entries_.end() || oldest->second.drawing) break;
            entries_.erase(oldest);
        }
    }
    for (auto& done : waiters) {
        try {
            done(card);
        } catch (...) {  // one throwing waiter must not keep the others from their answer
        }
    }
}

uint64_t CardCache::drawings() const {
    std::lock_guard lock(mutex_);
    return drawings_;
}

}  // namespace ptzgrab::web
