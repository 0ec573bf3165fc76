#pragma once
// `ptzgrab serve` started as a child on a free loopback port, stopped (SIGTERM) in the destructor.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/fixtures.hpp"

namespace ptzgrab::testing {

class ServeProcess {
public:
    /// `args` follow "serve --port P" (and "--static-dir <scratch>/static" unless given); waits until the port listens.
    explicit ServeProcess(const std::vector<std::string>& args = {}, const std::map<std::string, std::string>& env = {});
    int port() const { return port_; }
    const ScratchDir& dir() const { return dir_; }
    std::string log() const { return process_->log_text(); }
    bool running() { return process_->running(); }
    void stop() { process_->stop(); }
    pid_t pid() const { return process_->pid(); }  // -1 once it has been seen to end
    /// Sends `sig` to the server; false (and nothing sent) once it has ended: never kill(-1, sig).
    bool signal(int sig);
    /// Waits (at most `timeout`) for the server to end on its own; its exit code, or -1 if it still runs.
    int wait_exit(std::chrono::milliseconds timeout);

private:
    ScratchDir dir_;
    int port_;
    std::unique_ptr<BackgroundProcess> process_;
};

/// Writes `json` to a file in `dir` and returns its path.
fs::path write_config(const ScratchDir& dir, const std::string& json, const std::string& name = "sources.json");

}  // namespace ptzgrab::testing
