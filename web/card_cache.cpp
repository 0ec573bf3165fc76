#include "card_cache.hpp"

#include <algorithm>

namespace ptzgrab::web {

CardCache::Card CardCache::find(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.card;
}

CardCache::Card CardCache::get_or_draw(const std::string& key, const Draw& draw) {
    {
        std::unique_lock lock(mutex_);
        Entry& entry = entries_[key];
        if (entry.order == 0) entry.order = ++next_order_;
        if (entry.drawing) {
            // A drawing takes milliseconds to a second: waiting for it beats drawing it twice.
            ++waiting_;
            drawn_.wait(lock, [&] {
                auto it = entries_.find(key);
                return it == entries_.end() || !it->second.drawing;
            });
            --waiting_;
            auto it = entries_.find(key);
            return it == entries_.end() ? nullptr : it->second.card;
        }
        if (entry.card) return entry.card;
        entry.drawing = true;
        ++drawings_;
    }
    Card card;
    try {  // bad_alloc or cv::Exception: the waiters still get an answer
        auto bytes = draw();
        if (!bytes.empty()) card = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
    } catch (...) {
    }
    return finish(key, std::move(card));
}

CardCache::Card CardCache::finish(const std::string& key, Card card) {
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            it->second.drawing = false;
            it->second.card = card;
            if (!card) entries_.erase(it);  // a failed drawing is tried again by the next request
        }
        while (entries_.size() > max_cards) {
            auto oldest = std::ranges::min_element(entries_, {}, [](const auto& kv) {
                return kv.second.drawing ? UINT64_MAX : kv.second.order;
            });
            if (oldest->second.drawing) break;
            entries_.erase(oldest);
        }
    }
    drawn_.notify_all();
    return card;
}

uint64_t CardCache::drawings() const {
    std::lock_guard lock(mutex_);
    return drawings_;
}

size_t CardCache::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_;
}

}  // namespace ptzgrab::web
