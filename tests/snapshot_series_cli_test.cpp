// `ptzgrab snapshot --every`: a timelapse from one stream held open, run as a user runs it.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/frame.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;

namespace {

// The "grabbed at N ms" of every report line, in order.
std::vector<long long> grab_times(const std::string& out) {
    std::vector<long long> times;
    std::regex grabbed("grabbed at ([0-9]+) ms");
    for (std::sregex_iterator it(out.begin(), out.end(), grabbed), end; it != end; ++it)
        times.push_back(std::stoll((*it)[1]));
    return times;
}

// An ffmpeg that notes each start in `log`, then is the real ffmpeg: counts starts, changes nothing.
fs::path counting_ffmpeg(const fs::path& dir, const fs::path& log) {
    return write_script(dir / "ffmpeg", "echo start >> '" + log.string() + "'\nexec ffmpeg \"$@\"");
}

size_t lines_in(const fs::path& file) {
    std::ifstream in(file);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

}  // namespace

TEST_CASE("snapshot --every: three pictures of a live RTSP stream come from one ffmpeg, each newer than the last") {
    RtspSource rtsp;
    ScratchDir dir, bin;
    fs::path starts = bin / "starts.log";
    auto ffmpeg = counting_ffmpeg(bin.path(), starts);
    auto r = run_ptzgrab({"snapshot", "--ffmpeg", ffmpeg.string(), "--url", rtsp.url(), "--every", "0.5", "--count",
                          "3", "-o", (dir / "cam-%H%M%S.jpg").string()},
                         {{"TMPDIR", dir.path()}}, 60s);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    auto times = grab_times(r.out);
    REQUIRE(times.size() == 3);
    CHECK(times[0] < times[1]);
    CHECK(times[1] < times[2]);
    CHECK(lines_in(starts) == 1);  // one stream held open, not an ffmpeg per picture
    CHECK(processes_with_arg(rtsp.url()).empty());
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        CHECK(entry.path().extension() == ".jpg");  // no temp file left beside them
        std::ifstream in(entry.path(), std::ios::binary);
        std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
        CHECK(decode_frame(bytes, std::chrono::system_clock::now()).has_value());
    }
}

TEST_CASE("snapshot --every: SIGTERM ends an endless series with exit 0 and leaves no ffmpeg") {
    RtspSource rtsp;
    ScratchDir dir;
    BackgroundProcess series({ptzgrab_binary().string(), "snapshot", "--url", rtsp.url(), "--every", "0.3", "-o",
                              (dir / "latest.jpg").string()},
                             dir / "series.log", {{"TMPDIR", dir.path()}});
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!fs::exists(dir / "latest.jpg") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    REQUIRE(fs::exists(dir / "latest.jpg"));
    REQUIRE_FALSE(processes_with_arg(rtsp.url()).empty());  // its stream is open
    ::kill(series.pid(), SIGTERM);
    while (series.running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    INFO(series.log_text());
    CHECK(series.exit_code() == 0);
    CHECK(processes_with_arg(rtsp.url()).empty());
}

TEST_CASE("snapshot --every: a local file is grabbed anew for each picture; bad combinations are usage errors") {
    ScratchDir dir;
    fs::path clip = make_test_clip(dir.path());
    auto r = run_ptzgrab({"snapshot", "--url", clip.string(), "--every", "0.2", "--count", "2", "-o",
                          (dir / "f.jpg").string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(grab_times(r.out).size() == 2);
    auto to_stdout = run_ptzgrab({"snapshot", "--every", "1", "-o", "-"});
    CHECK(to_stdout.exit_code == 2);
    CHECK(to_stdout.err.find("--every writes files") != std::string::npos);
    auto count_alone = run_ptzgrab({"snapshot", "--count", "3", "-o", (dir / "g.jpg").string()});
    CHECK(count_alone.exit_code == 2);
    CHECK(count_alone.err.find("--count needs --every") != std::string::npos);
}

TEST_CASE("snapshot --every: a camera that is down is reported per picture and the series goes on to exit 4") {
    ScratchDir dir;
    std::string url = "rtsp://viewer:S3cretPw@127.0.0.1:" + std::to_string(free_port()) + "/cam";
    auto r = run_ptzgrab({"snapshot", "--url", url, "--timeout", "1", "--every", "0.2", "--count", "2", "-o",
                          (dir / "d.jpg").string()},
                         {}, 60s);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("S3cretPw") == std::string::npos);
    CHECK(r.out.find("S3cretPw") == std::string::npos);
    CHECK_FALSE(fs::exists(dir / "d.jpg"));
}
