#pragma once
// Diagnostic cards are drawn on the render pool, once per error, size and second: a dead camera
// asked for at 4096x4096 by 64 clients costs one drawing, and /healthz never waits behind it.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ptzgrab::web {

class CardCache {
public:
    using Card = std::shared_ptr<const std::vector<uint8_t>>;  // null when the drawing failed
    using Draw = std::function<std::vector<uint8_t>()>;

    /// The held card for `key`, or null. Any thread; never waits (the io threads ask this first).
    Card find(const std::string& key) const;
    /// The card for `key`: held, or drawn now. A caller that finds another thread drawing it waits
    /// for that drawing instead of drawing again. Call it on the render pool, never on an io thread.
    /// A drawing that throws gives null to everyone waiting for it; the next call draws again.
    Card get_or_draw(const std::string& key, const Draw& draw);

    uint64_t drawings() const;  // cards drawn so far
    size_t waiting() const;     // callers waiting for another's drawing now

    static constexpr size_t max_cards = 64;  // held cards; the oldest finished one goes first

private:
    Card finish(const std::string& key, Card card);

    struct Entry {
        Card card;
        bool drawing = false;
        uint64_t order = 0;  // when it was asked for first
    };
    mutable std::mutex mutex_;
    std::condition_variable drawn_;
    // mutex_ protects the following state.
    std::map<std::string, Entry> entries_;
    uint64_t next_order_ = 0;
    uint64_t drawings_ = 0;
    size_t waiting_ = 0;
};

}  // namespace ptzgrab::web
