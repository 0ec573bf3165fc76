#include "viewers.hpp"

#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace ptzgrab::web {

struct ViewerTicket::Shared {
    ViewerCaps caps;
    mutable std::mutex mutex;
    // mutex protects the following state.
    std::map<std::string, int> per_source;
    int total = 0;
    bool stopping = false;
    std::set<ViewerTicket*> tickets;
};

ViewerTicket::ViewerTicket(std::shared_ptr<Shared> shared, std::string source)
    : shared_(std::move(shared)), source_(std::move(source)) {}

ViewerTicket::~ViewerTicket() {
    std::shared_ptr<void> lease;  // released after the lock: the cache's deleter may take its own
    std::lock_guard lock(shared_->mutex);
    lease = std::move(lease_);
    shared_->tickets.erase(this);
    --shared_->total;
    if (--shared_->per_source[source_] <= 0) shared_->per_source.erase(source_);
}

void ViewerTicket::hold(std::shared_ptr<void> lease) {
    std::unique_lock lock(shared_->mutex);
    if (shared_->stopping) return;  // `lease` is released after the lock, on return
    lease_ = std::move(lease);
}

void ViewerTicket::on_stop(std::function<void()> stop) {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopping) return stop();
    stop_ = std::move(stop);
}

Viewers::Viewers(ViewerCaps caps) : shared_(std::make_shared<ViewerTicket::Shared>()) { shared_->caps = caps; }

Viewers::Admission Viewers::admit(const std::string& source) {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopping) return {nullptr, Refused::stopping};
    if (shared_->total >= shared_->caps.total) return {nullptr, Refused::server_full};
    int& of_source = shared_->per_source[source];
    if (of_source >= shared_->caps.per_source) return {nullptr, Refused::source_full};
    ++of_source;
    ++shared_->total;
    std::shared_ptr<ViewerTicket> ticket(new ViewerTicket(shared_, source));
    shared_->tickets.insert(ticket.get());
    return {std::move(ticket), Refused::none};
}

void Viewers::stop_all() {
    std::vector<std::shared_ptr<void>> leases;  // released after the lock
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    for (ViewerTicket* ticket : shared_->tickets) {
        if (ticket->stop_) std::exchange(ticket->stop_, nullptr)();
        leases.push_back(std::move(ticket->lease_));
    }
}

int Viewers::watching(const std::string& source) const {
    std::lock_guard lock(shared_->mutex);
    auto it = shared_->per_source.find(source);
    return it == shared_->per_source.end() ? 0 : it->second;
}

int Viewers::watching() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->total;
}

ViewerCaps Viewers::caps() const { return shared_->caps; }

}  // namespace ptzgrab::web
