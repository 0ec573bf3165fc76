#include "config_reload.hpp"

#include <cstdio>
#include <exception>

namespace ptzgrab::cli {
namespace {

std::string reason(const Error& error) {
    return error.detail.empty() ? error.message : error.message + ": " + error.detail;
}

}  // namespace

ConfigReloader::ConfigReloader(std::string file, Load load, Apply apply)
    : file_(std::move(file)), load_(std::move(load)), apply_(std::move(apply)),
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
    try {
        Result<std::vector<SourceConfig>> sources = load_();
        Result<SourceChanges> changes = sources ? apply_(std::move(*sources)) : std::unexpected(sources.error());
        if (changes)
            std::fprintf(stderr, "ptzgrab: reloaded %s: %s\n", file_.c_str(), summary(*changes).c_str());
        else
            std::fprintf(stderr, "ptzgrab: reload refused: %s; still serving the previous config\n",
                         reason(changes.error()).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ptzgrab: reload refused: %s; still serving the previous config\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "ptzgrab: reload refused; still serving the previous config\n");
    }
}

}  // namespace ptzgrab::cli
