// The SIGHUP reloader on its own: real config files in a temp folder, read by the real loader; the
// "apply" step is the test's (a list of sources in force), as is the log it writes to.
#include <doctest/doctest.h>

#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "cmd/config_reload.hpp"
#include "core/source_changes.hpp"
#include "core/source_config.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// What the reloader reads, puts in force and says; the reloader is declared last: joined first.
struct Reloading {
    testing::ScratchDir dir;
    fs::path file = dir / "cams.yaml";
    std::mutex mutex;
    std::condition_variable changed;
    // mutex protects the following state.
    std::vector<SourceConfig> in_force;
    std::vector<std::string> lines;
    int applied = 0;
    std::function<Result<SourceChanges>(std::vector<SourceConfig>)> apply = [this](std::vector<SourceConfig> next) {
        std::lock_guard lock(mutex);
        ++applied;
        SourceChanges changes = compare_sources(in_force, next);
        in_force = std::move(next);
        return Result<SourceChanges>(changes);
    };
    cli::ConfigReloader reloader{
        file.string(), [this] { return load_source_config(file); },
        [this](std::vector<SourceConfig> next) { return apply(std::move(next)); },
        [this](const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(line);
            changed.notify_all();
        }};

    explicit Reloading(const std::string& initial) {
        write(initial);
        auto sources = load_source_config(file);
        REQUIRE(sources.has_value());
        in_force = *sources;
    }
    void write(const std::string& text) { std::ofstream(file) << text; }
    // The reloader's next log line, after a request.
    std::string reload() {
        size_t before = line_count();
        reloader.request();
        std::unique_lock lock(mutex);
        REQUIRE(changed.wait_for(lock, 10s, [&] { return lines.size() > before; }));
        return lines.back();
    }
    size_t line_count() {
        std::lock_guard lock(mutex);
        return lines.size();
    }
    std::vector<std::string> names() {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (const auto& s : in_force) out.push_back(s.name);
        return out;
    }
};

const char* const two_cams = "sources:\n  - name: a\n    url: rtsp://10.0.0.1/s\n  - name: b\n    url: rtsp://10.0.0.2/s\n";
const std::string kept_line_end = "; still serving the previous config";

}  // namespace

TEST_CASE("config reload: a good file is put in force and its counts logged") {
    Reloading r("sources:\n  - name: a\n    url: rtsp://10.0.0.1/s\n  - name: gone\n    url: rtsp://10.0.0.9/s\n");
    r.write("sources:\n  - name: a\n    url: rtsp://10.0.0.1/s\n  - name: b\n    url: rtsp://10.0.0.2/s\n");
    CHECK(r.reload() == "ptzgrab: reloaded " + r.file.string() + ": 1 kept, 1 added, 1 removed, 0 changed");
    CHECK(r.names() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("config reload: a bad file is refused with the reason, and the config in force stays") {
    Reloading r(two_cams);
    std::string why;
    SUBCASE("YAML that does not parse") {
        r.write("sources:\n  - name: a\n    url: [rtsp://10.0.0.1/s\n");
        why = r.file.string();  // the error names the file (and the line)
    }
    SUBCASE("a source without a url") {
        r.write("sources:\n  - name: a\n");
        why = "url";
    }
    SUBCASE("the file gone") {
        fs::remove(r.file);
        why = r.file.string();
    }
    std::string line = r.reload();
    CAPTURE(line);
    CHECK(line.starts_with("ptzgrab: reload refused: "));
    CHECK(line.ends_with(kept_line_end));
    CHECK(line.find(why) != std::string::npos);
    CHECK(r.applied == 0);
    CHECK(r.names() == std::vector<std::string>{"a", "b"});
    // A good file afterwards is taken: the thread goes on.
    r.write("sources:\n  - name: b\n    url: rtsp://10.0.0.2/s\n");
    CHECK(r.reload().starts_with("ptzgrab: reloaded "));
    CHECK(r.names() == std::vector<std::string>{"b"});
}

TEST_CASE("config reload: an apply that fails or throws is refused with its reason, and the thread goes on") {
    Reloading r(two_cams);
    r.write("sources:\n  - name: c\n    url: rtsp://10.0.0.3/s\n");
    std::string why;
    SUBCASE("an error") {
        r.apply = [](std::vector<SourceConfig>) -> Result<SourceChanges> {
            return make_error(ErrorKind::invalid_input, "two sources share a name", "c");
        };
        why = "two sources share a name: c";
    }
    SUBCASE("an exception") {
        r.apply = [](std::vector<SourceConfig>) -> Result<SourceChanges> { throw std::runtime_error("out of threads"); };
        why = "out of threads";
    }
    CHECK(r.reload() == "ptzgrab: reload refused: " + why + kept_line_end);
    CHECK(r.names() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("config reload: requests while a reload runs fold into one more") {
    Reloading r(two_cams);
    std::promise<void> entered, release;
    auto released = release.get_future().share();
    auto apply = r.apply;
    bool first = true;
    r.apply = [&, apply](std::vector<SourceConfig> next) {
        if (std::exchange(first, false)) {
            entered.set_value();
            released.wait_for(10s);
        }
        return apply(std::move(next));
    };
    r.reloader.request();
    REQUIRE(entered.get_future().wait_for(10s) == std::future_status::ready);
    for (int i = 0; i < 3; ++i) r.reloader.request();
    release.set_value();
    std::unique_lock lock(r.mutex);
    REQUIRE(r.changed.wait_for(lock, 10s, [&] { return r.lines.size() == 2; }));
    lock.unlock();
    std::this_thread::sleep_for(200ms);  // a third reload would have logged by now
    CHECK(r.line_count() == 2);
    std::lock_guard again(r.mutex);
    CHECK(r.applied == 2);
}
