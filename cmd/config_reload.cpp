#include "config_reload.hpp"

#include <cstdio>
#include <exception>

namespace ptzgrab::cli {
namespace {

std::string reason(const Error& error) {
    return error.detail.empty() ? error.message : error.message + ": " + error.detail;
}

}  // namespace

void ConfigReloader::log_to_stderr(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

ConfigReloader::ConfigReloader(std::string file, Load load, Apply apply, Log log)
    : file_(std::move(file)), load_(std::move(load)), apply_(std::move(apply)), log_(std::move(log)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

ConfigReloader::~ConfigReloader() {
    thread_.request_stop();  // wakes the wait below; a reload running ends first
    thread_.join();
}

void ConfigReloader::request() {
    {
        std::lock_guard lock(mutex_);
        pending_ = true;
    }
    wake_.notify_one();
}

void ConfigReloader::run(std::stop_token stop) {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (!wake_.wait(lock, stop, [this] { return pending_; })) return;  // stop requested
            pending_ = false;
        }
        reload_once();
    }
}

void ConfigReloader::reload_once() noexcept {
    SourceChanges applied;
    try {
        Result<std::vector<SourceConfig>> sources = load_();
        Result<SourceChanges> changes = sources ? apply_(std::move(*sources)) : std::unexpected(sources.error());
        if (!changes) return log_refused(reason(changes.error()).c_str());
        applied = std::move(*changes);
    } catch (const std::exception& e) {
        return log_refused(e.what());
    } catch (...) {
        return log_refused(nullptr);
    }
    try {  // in force now: a log that fails must not call it refused
        log_("ptzgrab: reloaded " + file_ + ": " + summary(applied));
    } catch (...) {
        std::fprintf(stderr, "ptzgrab: reloaded %s\n", file_.c_str());
    }
}

// Also after a throw (no memory, a log that throws): nothing leaves the reloader's thread.
void ConfigReloader::log_refused(const char* why) noexcept {
    const char* kept = "; still serving the previous config";
    try {
        log_(why ? std::string("ptzgrab: reload refused: ") + why + kept : std::string("ptzgrab: reload refused") + kept);
    } catch (...) {
        std::fprintf(stderr, "ptzgrab: reload refused%s\n", kept);
    }
}

}  // namespace ptzgrab::cli
