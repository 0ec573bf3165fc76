#pragma once
// The deadline of a connection's waits: for its next request, for an answer to go out. Beast's
// tcp_stream arms a timer for every read and write and cancels it after; one timer per connection
// whose deadline each wait only moves costs a clock read instead (it fires about once per timeout).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace ptzgrab::web {

/// Lives on the connection's io thread, beside the socket it watches (it holds a reference to it).
class WaitDeadline {
public:
    explicit WaitDeadline(boost::asio::ip::tcp::socket& socket);
    ~WaitDeadline();
    WaitDeadline(const WaitDeadline&) = delete;
    WaitDeadline& operator=(const WaitDeadline&) = delete;

    /// From now on: the socket's operations are cancelled if they still wait `timeout` from now.
    void start(std::chrono::steady_clock::duration timeout);
    /// The wait ended in time: nothing is cancelled until the next start.
    void stop() { deadline_ = never; }
    /// Whether the timer found the deadline of the wait since the last start passed (and cancelled).
    bool passed() const { return passed_; }

private:
    static constexpr auto never = std::chrono::steady_clock::time_point::max();
    void arm();
    void on_timer();

    boost::asio::ip::tcp::socket& socket_;
    boost::asio::steady_timer timer_;
    std::chrono::steady_clock::time_point deadline_ = never;
    bool armed_ = false;  // a wait on timer_ is pending, for timer_.expiry()
    bool passed_ = false;
    // What the timer's handlers see of this: a handler that ran its course (not aborted) may still
    // be queued when the connection ends; it finds null here then.
    std::shared_ptr<WaitDeadline*> self_;
};

}  // namespace ptzgrab::web
