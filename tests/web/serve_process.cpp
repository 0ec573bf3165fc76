#include "serve_process.hpp"

#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <thread>

namespace ptzgrab::testing {

ServeProcess::ServeProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
    : port_(free_port()) {
    std::vector<std::string> argv{ptzgrab_binary().string(), "serve", "--port", std::to_string(port_)};
    if (std::ranges::find(args, "--static-dir") == args.end())
        argv.insert(argv.end(), {"--static-dir", (dir_ / "static").string()});
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<BackgroundProcess>(argv, dir_ / "serve.log", env);
    bool listening = wait_for_listen(port_, 20s);
    if (!listening) MESSAGE(process_->log_text());
    REQUIRE(listening);
}

bool ServeProcess::signal(int sig) {
    pid_t pid = process_->pid();
    return pid > 0 && ::kill(pid, sig) == 0;
}

int ServeProcess::wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (process_->running()) {
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(20ms);
    }
    return process_->exit_code();
}

fs::path write_config(const ScratchDir& dir, const std::string& json, const std::string& name) {
    fs::path file = dir / name;
    std::ofstream(file) << json;
    return file;
}

}  // namespace ptzgrab::testing
