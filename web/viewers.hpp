#pragma once
// Caps on /stream/mjpeg viewers, per source and in total, apart from the connection cap: a viewer
// holds its connection for as long as it watches and must not starve snapshot clients.
// Also ends every stream promptly when the server stops.
#include <functional>
#include <memory>
#include <string>

namespace ptzgrab::web {

struct ViewerCaps {
    int per_source = 10;  // serve --max-viewers-per-source
    int total = 100;      // serve --max-viewers
};

/// One admitted viewer's place under the caps, given back when the ticket is destroyed.
class ViewerTicket {
public:
    ~ViewerTicket();
    ViewerTicket(const ViewerTicket&) = delete;
    ViewerTicket& operator=(const ViewerTicket&) = delete;

    /// Any thread: keeps `lease` (the cache's watch) until the ticket ends or the server stops.
    void hold(std::shared_ptr<void> lease);
    /// Any thread: `stop` runs once when the server stops (at once if it already has). It runs on
    /// the stopping thread under the viewers' lock: it must only post, never call back in here.
    void on_stop(std::function<void()> stop);

    struct Shared;  // viewers.cpp

private:
    friend class Viewers;
    ViewerTicket(std::shared_ptr<Shared> shared, std::string source);
    std::shared_ptr<Shared> shared_;  // outlives the Viewers handle: sessions end after the router
    std::string source_;
    std::function<void()> stop_;
    std::shared_ptr<void> lease_;
};

/// A handle on the shared counts; copies share them. Thread-safe.
class Viewers {
public:
    explicit Viewers(ViewerCaps caps = {});

    enum class Refused { none, source_full, server_full, stopping };
    struct Admission {
        std::shared_ptr<ViewerTicket> ticket;  // null when refused
        Refused refused = Refused::none;
    };
    /// A place for one more viewer of `source`, or why not.
    Admission admit(const std::string& source);
    /// The server stops: every ticket's stop runs, held leases are dropped (the cache goes before
    /// the connections do), and later admissions are refused.
    void stop_all();

    int watching(const std::string& source) const;
    int watching() const;
    ViewerCaps caps() const;

private:
    std::shared_ptr<ViewerTicket::Shared> shared_;
};

}  // namespace ptzgrab::web
