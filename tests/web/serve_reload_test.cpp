// SIGHUP reloads `ptzgrab serve --config` without a restart, checked over real loopback sockets
// against real RTSP sources held open: kept sources keep their ffmpeg child and their MJPEG viewers,
// removed ones leave no child (reaped, no zombie), added ones serve, a bad file changes nothing.
#include <doctest/doctest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <fstream>
#include <optional>
#include <sstream>

#include "http_client.hpp"
#include "mjpeg_viewer.hpp"
#include "serve_process.hpp"
#include "support/eventually.hpp"

using namespace ptzgrab::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string live_source(const std::string& name, const std::string& url) {
    return "{\"name\": \"" + name + "\", \"url\": \"" + url + "\", \"live\": \"always\", \"timeout_s\": 10}";
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : text)
        if (c == '\0') c = ' ';  // cmdline: arguments apart
    return text;
}

// /proc/PID/stat: "PID (comm) STATE PPID ..."; comm may hold spaces, so read after the last ')'.
struct ProcStat {
    char state = '?';
    pid_t parent = -1;
};
std::optional<ProcStat> stat_of(pid_t pid) {
    std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
    auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    ProcStat s;
    std::istringstream rest(text.substr(close + 1));
    rest >> s.state >> s.parent;
    return s;
}

// The children of `parent` whose command line holds `needle` (zombies too: their cmdline is empty,
// so they are matched by a pid seen earlier, see below).
std::vector<pid_t> children_with(pid_t parent, const std::string& needle) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
        pid_t pid = std::stoi(name);
        auto stat = stat_of(pid);
        if (stat && stat->parent == parent && contains(read_file(entry.path() / "cmdline"), needle)) found.push_back(pid);
    }
    return found;
}

// The one live ffmpeg of the RTSP server at `port`, once it runs (0 when none within the timeout).
pid_t live_child(pid_t serve, int port) {
    std::vector<pid_t> found;
    eventually([&] { return (found = children_with(serve, "127.0.0.1:" + std::to_string(port) + "/")).size() == 1; }, 20s);
    return found.size() == 1 ? found[0] : 0;
}

// Gone from the process table: ended and reaped (a zombie still has an entry, in state Z).
bool gone(pid_t pid) { return !fs::exists("/proc/" + std::to_string(pid)); }

std::vector<std::string> info_sources(int port) {
    std::vector<std::string> names;
    auto reply = http_get(port, "/stream/info");
    if (reply.status != 200) return names;
    boost::json::value info = boost::json::parse(reply.body);
    for (const auto& s : info.at("sources").as_array())
        names.emplace_back(s.at("name").as_string());
    return names;
}

// The restarts of a source's live stream (/stream/cache); -1 when not found. A stream made anew
// counts from 0 again.
int64_t restarts_of(int port, const std::string& name) {
    auto reply = http_get(port, "/stream/cache");
    if (reply.status != 200) return -1;
    boost::json::value cache = boost::json::parse(reply.body);
    for (const auto& s : cache.at("sources").as_array())
        if (s.at("name").as_string() == name) return s.at("live").at("restarts").to_number<int64_t>();
    return -1;
}

// A's ffmpeg is the one seen before, unless the watchdog restarted it meanwhile (a slow machine):
// then the same stream counts more restarts, where a stream made anew would count from 0.
void check_same_stream(pid_t serve, int port, const RtspSource& rtsp, pid_t child, int64_t restarts) {
    int64_t now = restarts_of(port, "A");
    CHECK(now >= restarts);
    if (now == restarts)
        CHECK(children_with(serve, "127.0.0.1:" + std::to_string(rtsp.port()) + "/") == std::vector<pid_t>{child});
}

size_t count_of(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

uint64_t sequence_of(const MjpegPart& part) { return std::stoull(part.headers.at("x-frame-sequence")); }

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("reload: SIGHUP keeps an unchanged source's child and viewer, stops a removed one, starts an added one, "
          "and refuses a bad file") {
    RtspOptions small;
    small.width = 320;
    small.height = 180;
    RtspSource a(small), b(small), c(small);
    ScratchDir dir;
    fs::path config = write_config(dir, "[" + live_source("A", a.url()) + ", " + live_source("B", b.url()) + "]");
    ServeProcess serve({"--config", config.string()});
    INFO(serve.log());

    pid_t a_child = live_child(serve.pid(), a.port());
    pid_t b_child = live_child(serve.pid(), b.port());
    REQUIRE(a_child > 0);
    REQUIRE(b_child > 0);
    MjpegViewer viewer(serve.port(), "/stream/mjpeg?source=A");
    REQUIRE(viewer.read_head() == 200);
    auto first = viewer.read_part();
    REQUIRE(first);
    int64_t a_restarts = restarts_of(serve.port(), "A");
    a_child = live_child(serve.pid(), a.port());
    REQUIRE(a_restarts >= 0);
    REQUIRE(a_child > 0);

    // A unchanged, B removed, C added.
    write_config(dir, "[" + live_source("A", a.url()) + ", " + live_source("C", c.url()) + "]");
    REQUIRE(serve.signal(SIGHUP));
    REQUIRE(eventually([&] { return contains(serve.log(), "ptzgrab: reloaded "); }, 30s));
    CHECK(contains(serve.log(), "ptzgrab: reloaded " + config.string() + ": 1 kept, 1 added, 1 removed, 0 changed"));

    // The viewer of A goes on, on the same connection, with newer frames.
    uint64_t last = sequence_of(*first);
    for (int i = 0; i < 2; ++i) {
        auto part = viewer.read_part();
        REQUIRE(part);
        CHECK(sequence_of(*part) > last);
        last = sequence_of(*part);
    }
    check_same_stream(serve.pid(), serve.port(), a, a_child, a_restarts);
    // B's ffmpeg ended and was reaped (the reload returns only after that): no zombie, no child left.
    CHECK(eventually([&] { return gone(b_child); }, 10s));
    CHECK(children_with(serve.pid(), "127.0.0.1:" + std::to_string(b.port()) + "/").empty());
    // C runs its own ffmpeg (live: always) and serves.
    CHECK(live_child(serve.pid(), c.port()) > 0);
    CHECK(info_sources(serve.port()) == Names{"A", "C"});
    auto snapshot = http_get(serve.port(), "/stream/snapshot?source=C");
    CHECK(snapshot.status == 200);
    CHECK(snapshot.header("content-type") == "image/jpeg");
    CHECK(http_get(serve.port(), "/stream/snapshot?source=B").status == 400);
    auto removed_mjpeg = http_get(serve.port(), "/stream/mjpeg?source=B");
    CHECK(removed_mjpeg.status == 404);
    CHECK(contains(removed_mjpeg.body, "no such source"));  // as to any unknown name, not "not live"

    SUBCASE("a file that does not parse is refused with the reason; the config in force stays") {
        write_config(dir, "[{\"name\": \"A\", \"url\": ");
    }
    SUBCASE("a source without a url is refused with the reason; the config in force stays") {
        write_config(dir, "[{\"name\": \"Z\"}]");
    }
    SUBCASE("a file gone is refused with the reason; the config in force stays") {
        fs::remove(config);
    }
    REQUIRE(serve.signal(SIGHUP));
    REQUIRE(eventually([&] { return contains(serve.log(), "ptzgrab: reload refused: "); }, 30s));
    std::string log = serve.log();
    auto at = log.find("ptzgrab: reload refused: ");
    std::string line = log.substr(at, log.find('\n', at) - at);
    CHECK(contains(line, "; still serving the previous config"));
    CHECK(line.size() > std::string("ptzgrab: reload refused: ; still serving the previous config").size() + 5);
    CHECK(count_of(log, "ptzgrab: reloaded ") == 1);
    CHECK(info_sources(serve.port()) == Names{"A", "C"});
    CHECK(http_get(serve.port(), "/stream/snapshot?source=A").status == 200);
    CHECK(http_get(serve.port(), "/stream/snapshot?source=C").status == 200);
    auto part = viewer.read_part();
    REQUIRE(part);
    CHECK(sequence_of(*part) > last);
    check_same_stream(serve.pid(), serve.port(), a, a_child, a_restarts);

    // SIGTERM after reloads still tears down cleanly: exit 0, every ffmpeg gone.
    pid_t c_child = live_child(serve.pid(), c.port());
    viewer.close();
    REQUIRE(serve.signal(SIGTERM));
    CHECK(serve.wait_exit(30s) == 0);
    CHECK(eventually([&] { return gone(a_child) && gone(c_child); }, 10s));
}

TEST_CASE("reload: a removed source's MJPEG viewer is ended cleanly") {
    RtspOptions small;
    small.width = 320;
    small.height = 180;
    RtspSource a(small), b(small);
    ScratchDir dir;
    fs::path config = write_config(dir, "[" + live_source("A", a.url()) + ", " + live_source("B", b.url()) + "]");
    ServeProcess serve({"--config", config.string()});
    INFO(serve.log());
    MjpegViewer viewer(serve.port(), "/stream/mjpeg?source=B");
    REQUIRE(viewer.read_head() == 200);
    REQUIRE(viewer.read_part());
    write_config(dir, "[" + live_source("A", a.url()) + "]");
    REQUIRE(serve.signal(SIGHUP));
    CHECK(viewer.wait_closed(30s));
    // The viewer ends as soon as B is no longer found; the log line comes once B's child is reaped.
    CHECK(eventually([&] {
        return contains(serve.log(), "ptzgrab: reloaded " + config.string() + ": 1 kept, 0 added, 1 removed, 0 changed");
    }, 30s));
    CHECK(serve.running());
}

TEST_CASE("reload: SIGHUP without --config says there is nothing to reload and keeps serving") {
    ServeProcess serve({"--url", "lavfi:testsrc2=size=160x90:rate=5"});
    REQUIRE(serve.signal(SIGHUP));
    REQUIRE(eventually([&] { return contains(serve.log(), "nothing to reload"); }, 10s));
    CHECK(serve.running());
    CHECK(http_get(serve.port(), "/healthz").status == 200);
    REQUIRE(serve.signal(SIGHUP));  // a second one too
    CHECK(eventually([&] { return count_of(serve.log(), "nothing to reload") == 2; }, 10s));
    CHECK(http_get(serve.port(), "/stream/snapshot").status == 200);
}

namespace {

std::string one_shot_source(const std::string& name, const std::string& color) {
    return "{\"name\": \"" + name + "\", \"url\": \"lavfi:color=c=" + color + ":size=160x90:rate=5\", \"live\": \"off\"}";
}

// Reloads with `json` and waits for its log line (the reload has been applied in full by then).
void reload_with(ServeProcess& serve, const ScratchDir& dir, const std::string& json, size_t reloads_before) {
    write_config(dir, json);
    REQUIRE(serve.signal(SIGHUP));
    REQUIRE(eventually([&] { return count_of(serve.log(), "ptzgrab: reloaded ") == reloads_before + 1; }, 30s));
}

}  // namespace

TEST_CASE("reload: the root latest.jpg follows the new default source: its held frame at once, else none until "
          "it has one, never the old default's picture") {
    ScratchDir dir;
    fs::path config = write_config(dir, "[" + one_shot_source("A", "red") + ", " + one_shot_source("B", "blue") + "]");
    ServeProcess serve({"--config", config.string()});
    INFO(serve.log());
    fs::path statics = serve.dir() / "static";
    REQUIRE(http_get(serve.port(), "/stream/snapshot?source=A").status == 200);
    REQUIRE(http_get(serve.port(), "/stream/snapshot?source=B").status == 200);
    REQUIRE(eventually([&] { return fs::exists(statics / "B/latest.jpg") && fs::exists(statics / "latest.jpg"); }, 10s));
    std::string a_frame = read_file(statics / "A/latest.jpg"), b_frame = read_file(statics / "B/latest.jpg");
    REQUIRE(a_frame != b_frame);  // red and blue
    CHECK(read_file(statics / "latest.jpg") == a_frame);

    // B first now: its held frame is latest.jpg at once, with no grab of its own.
    reload_with(serve, dir, "[" + one_shot_source("B", "blue") + ", " + one_shot_source("A", "red") + "]", 0);
    CHECK(read_file(statics / "latest.jpg") == b_frame);

    // B removed, C (no frame yet) first: no latest.jpg until C has a frame, then C's.
    reload_with(serve, dir, "[" + one_shot_source("C", "green") + ", " + one_shot_source("A", "red") + "]", 1);
    CHECK_FALSE(fs::exists(statics / "latest.jpg"));
    CHECK_FALSE(fs::exists(statics / "B"));  // B's frame and its emptied folder
    REQUIRE(http_get(serve.port(), "/stream/snapshot?source=C").status == 200);
    REQUIRE(eventually([&] { return fs::exists(statics / "latest.jpg"); }, 10s));
    CHECK(read_file(statics / "latest.jpg") == read_file(statics / "C/latest.jpg"));
}
