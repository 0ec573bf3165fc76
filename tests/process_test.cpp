#include <doctest/doctest.h>

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "core/child_guard.hpp"
#include "core/process.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;

TEST_CASE("process: output is captured and the exit code reported") {
    auto runner = make_process_runner();
    auto r = runner->run({{"/bin/sh", "-c", "echo out; echo err >&2; exit 7"}, 5000ms});
    REQUIRE(r.has_value());
    CHECK(r->exit_code == 7);
    CHECK(r->stdout_tail == "out\n");
    CHECK(r->stderr_tail == "err\n");
    CHECK_FALSE(r->timed_out);
}

TEST_CASE("process: past the deadline the whole process group is killed and reaped") {
    testing::ScratchDir dir;
    // A child that starts a grandchild (a shell named by the marker) and hangs: both must go.
    std::string marker = "ptzgrab-process-test-" + std::to_string(::getpid());
    auto script = testing::write_script(dir / "hang.sh", "sh -c 'sleep 300; :' " + marker + " & sleep 301; wait");
    auto runner = make_process_runner();
    auto r = runner->run({{script.string()}, 500ms});
    REQUIRE(r.has_value());
    CHECK(r->timed_out);
    CHECK(r->exit_code == 128 + SIGKILL);
    std::this_thread::sleep_for(100ms);
    CHECK(testing::processes_with_arg(marker).empty());
    CHECK(running_child_processes() == 0);
}

TEST_CASE("process: a stop request cancels the child") {
    auto runner = make_process_runner();
    std::stop_source stop;
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        stop.request_stop();
    });
    auto r = runner->run({{"/bin/sleep", "30"}, 20'000ms}, stop.get_token());
    canceller.join();
    REQUIRE(r.has_value());
    CHECK(r->cancelled);
    CHECK(r->elapsed < 10'000ms);
}

TEST_CASE("process: only the tail of a chatty stderr is kept") {
    auto runner = make_process_runner();
    auto r = runner->run({{"/bin/sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line$i >&2; i=$((i+1)); done"},
                          10'000ms, 1024});
    REQUIRE(r.has_value());
    CHECK(r->stderr_tail.size() <= 1024);
    CHECK(r->stderr_tail.ends_with("line2999\n"));
}

TEST_CASE("process: a program that does not exist is an error, not a crash") {
    auto runner = make_process_runner();
    auto r = runner->run({{"/nonexistent/ffmpeg", "-version"}, 1000ms});
    CHECK_FALSE(r.has_value());
}

TEST_CASE("process: a child left behind by an exception is killed with its group, reaped and no longer counted") {
    testing::ScratchDir dir;
    std::string marker = "ptzgrab-guard-test-" + std::to_string(::getpid());
    // The grandchild is a shell named by the marker (`sleep 300 MARKER` would exit at once: a bad interval).
    auto script = testing::write_script(dir / "hang.sh", "sh -c 'sleep 300; :' " + marker + " & sleep 301; wait");
    // Started as the runner starts ffmpeg: the leader of its own process group.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::string path = script.string();
    char* argv[] = {path.data(), nullptr};
    pid_t pid = -1;
    REQUIRE(::posix_spawn(&pid, path.c_str(), nullptr, &attr, argv, environ) == 0);
    posix_spawnattr_destroy(&attr);
    int before = running_child_processes();
    try {
        ChildGuard guard(pid, [pid] { ::waitpid(pid, nullptr, 0); });
        CHECK(running_child_processes() == before + 1);
        bool grandchild = false;  // the grandchild runs: the group is more than the pid
        for (int i = 0; i < 100 && !grandchild; ++i, std::this_thread::sleep_for(50ms))
            grandchild = !testing::processes_with_arg(marker).empty();
        REQUIRE(grandchild);
        throw std::runtime_error("thrown between spawn and wait");
    } catch (const std::runtime_error&) {
    }
    CHECK(running_child_processes() == before);
    errno = 0;
    CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);  // reaped already: no zombie left
    CHECK(errno == ECHILD);
    bool group_gone = false;
    for (int i = 0; i < 100 && !group_gone; ++i, std::this_thread::sleep_for(50ms))
        group_gone = testing::processes_with_arg(marker).empty();
    CHECK(group_gone);
}
