#include "wait_deadline.hpp"

namespace ptzgrab::web {

WaitDeadline::WaitDeadline(boost::asio::ip::tcp::socket& socket)
    : socket_(socket), timer_(socket.get_executor()), self_(std::make_shared<WaitDeadline*>(this)) {}

WaitDeadline::~WaitDeadline() { *self_ = nullptr; }

void WaitDeadline::start(std::chrono::steady_clock::duration timeout) {
    deadline_ = std::chrono::steady_clock::now() + timeout;
    passed_ = false;
    // Armed for a later time, the timer would fire late: re-armed, its pending wait is aborted.
    if (!armed_ || deadline_ < timer_.expiry()) arm();
}

void WaitDeadline::arm() {
    armed_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = self_](const boost::system::error_code& ec) {
        if (ec != boost::asio::error::operation_aborted && *self) (*self)->on_timer();
    });
}

void WaitDeadline::on_timer() {
    armed_ = false;
    if (deadline_ == never) return;  // no wait now: the next start arms again
    if (std::chrono::steady_clock::now() < deadline_) return arm();  // moved on since it was armed
    passed_ = true;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
}

}  // namespace ptzgrab::web
