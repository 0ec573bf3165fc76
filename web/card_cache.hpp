#pragma once
// Diagnostic cards are drawn off the io threads, once per error, size and second: a dead camera
// asked for at 4096x4096 by 64 clients costs one drawing, and /healthz never waits behind it.
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
    using Offload = std::function<void(std::function<void()>)>;

    /// Calls `done` exactly once: at once (on the caller's thread) when the card for `key` is held,
    /// else from `offload` after the one drawing every caller of that key shares. Thread-safe.
    void get(const std::string& key, Draw draw, const Offload& offload, std::function<void(Card)> done);

    uint64_t drawings() const;  // cards drawn so far

    static constexpr size_t max_cards = 64;  // held cards; the oldest finished one goes first

private:
    void finish(const std::string& key, Card card);

    struct Entry {
        Card card;
        bool drawing = false;
        std::vector<std::function<void(Card)>> waiters;
        uint64_t order = 0;  // when it was asked for first
    };
    mutable std::mutex mutex_;
    // mutex_ protects the following state.
    std::map<std::string, Entry> entries_;
    uint64_t next_order_ = 0;
    uint64_t drawings_ = 0;
};

}  // namespace ptzgrab::web
