#pragma once
// A Router over a real FrameCache whose grab function and clock the test controls: no sockets, no ffmpeg.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/frame_cache.hpp"
#include "web/router.hpp"

namespace ptzgrab::testing {

class RouterFixture {
public:
    explicit RouterFixture(std::vector<SourceConfig> sources = {}, std::string token = {},
                           std::filesystem::path assets = {});
    ~RouterFixture();

    /// The answer the router gives, waited for (10 s at most). HTTP/1.1 with "Host: 127.0.0.1:8080"
    /// unless `headers` name a Host; a Host of "" sends none.
    web::Response call(const std::string& method, const std::string& target,
                       const std::map<std::string, std::string>& headers = {});
    /// The answer to `request` exactly as given, waited for (10 s at most).
    web::Response send(const web::Request& request);
    web::Response get(const std::string& target) { return call("GET", target); }

    void fail_with(std::optional<ErrorKind> kind);  // later grabs fail with this kind (nullopt: succeed)
    void advance(std::chrono::milliseconds by);     // moves the clock of the cache and the router
    int grabs() const { return grabs_.load(); }
    /// Waits (10 s at most) until no source has a grab in flight: a refresh behind an answer has landed.
    bool wait_for_refreshes() const;
    std::vector<std::string> log_lines() const;
    void enable_adhoc();

    static SourceConfig source(const std::string& name, const std::string& url = "rtsp://cam/stream");

    mutable std::mutex mutex_;
    // mutex_ protects the following state.
    std::chrono::system_clock::time_point now_;
    const std::chrono::system_clock::time_point wall_start_ = now_;
    const std::chrono::steady_clock::time_point steady_start_ = std::chrono::steady_clock::now();
    std::optional<ErrorKind> failure_;
    std::vector<std::string> log_;

    std::atomic<int> grabs_{0};
    web::Metrics metrics;
    FrameCache cache;
    std::unique_ptr<web::AdhocGrabs> adhoc;
    web::ServerContext context;
    web::Router router;

private:
    Result<Frame> fake_grab(const GrabRequest& request);
    std::chrono::system_clock::time_point now() const;
    std::chrono::steady_clock::time_point steady_now() const;
};

}  // namespace ptzgrab::testing
