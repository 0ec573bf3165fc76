#pragma once
// SIGHUP reloads the --config file on a thread of its own: the io threads only ask for it, and
// never wait for a file read or for a removed camera's ffmpeg to end.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/frame_cache.hpp"

namespace ptzgrab::cli {

class ConfigReloader {
public:
    using Load = std::function<Result<std::vector<SourceConfig>>()>;
    /// Puts the sources in force; an error leaves the old ones in force.
    using Apply = std::function<Result<SourceChanges>(std::vector<SourceConfig>)>;

    /// One line, without its newline, for the operator; the seam tests read it through.
    using Log = std::function<void(const std::string& line)>;
    static void log_to_stderr(const std::string& line);

    /// `file` names the config in the log. `load`, `apply` and `log` run on the reloader's thread only.
    ConfigReloader(std::string file, Load load, Apply apply, Log log = log_to_stderr);
    /// Waits for a reload running (bounded: a removed stream's stop grace), then joins the thread.
    ~ConfigReloader();
    ConfigReloader(const ConfigReloader&) = delete;
    ConfigReloader& operator=(const ConfigReloader&) = delete;

    /// Any thread, never blocks: a reload runs soon. Requests while one runs fold into one more.
    void request();

private:
    void run(std::stop_token stop);
    void reload_once() noexcept;  // logs one line: reloaded with counts, or refused with the reason
    void log_refused(const char* why) noexcept;  // why: null when unknown

    const std::string file_;
    const Load load_;
    const Apply apply_;
    const Log log_;
    std::mutex mutex_;
    // mutex_ protects the following state.
    bool pending_ = false;
    std::condition_variable_any wake_;
    std::jthread thread_;  // last: started once everything it reads exists, joined first
};

}  // namespace ptzgrab::cli
