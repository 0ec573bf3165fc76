// `ptzgrab snapshot` run as a user runs it, against real sources on loopback.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>

#include "core/frame.hpp"
#include "support/fixtures.hpp"

using namespace ptzgrab;
using namespace ptzgrab::testing;

namespace {

std::vector<uint8_t> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Decodes the JPEG at `p`; fails the test if it is not one.
Frame decoded(const fs::path& p) {
    auto bytes = read_bytes(p);
    auto frame = decode_frame(bytes, std::chrono::system_clock::now());
    REQUIRE_MESSAGE(frame.has_value(), p.string() << " is not a JPEG");
    return *frame;
}

void check_grab(const std::string& url, int width, int height) {
    ScratchDir dir;
    auto r = run_ptzgrab({"snapshot", "--url", url, "-o", (dir / "out.jpg").string()}, {{"TMPDIR", dir.path()}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    Frame f = decoded(dir / "out.jpg");
    CHECK(f.width == width);
    CHECK(f.height == height);
    CHECK(r.out.find("out.jpg: ") != std::string::npos);
    CHECK(std::distance(fs::directory_iterator(dir.path()), {}) == 1);  // no temp left beside it
}

}  // namespace

TEST_CASE("snapshot: a file made with lavfi") {
    ScratchDir media;
    check_grab(make_test_clip(media.path(), "1280x720").string(), 1280, 720);
}

TEST_CASE("snapshot: a live HLS stream served over HTTP") {
    HlsSource hls;
    check_grab(hls.url(), 640, 360);
}

TEST_CASE("snapshot: a real RTSP server, H.264, over TCP and over UDP") {
    RtspSource rtsp;
    check_grab(rtsp.url(), 640, 360);
    ScratchDir dir;
    auto r = run_ptzgrab({"snapshot", "--url", rtsp.url(), "--rtsp-transport", "udp", "-o", (dir / "u.jpg").string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
}

TEST_CASE("snapshot: MJPEG over HTTP") {
    MjpegSource mjpeg;
    check_grab(mjpeg.url(), 640, 360);
}

TEST_CASE("snapshot: a port that accepts and never answers times out with exit 4, leaving nothing behind") {
    SilentTcpServer silent;
    ScratchDir tmp;
    for (std::string scheme : {"http", "rtsp"}) {
        std::string url = scheme + "://127.0.0.1:" + std::to_string(silent.port()) + "/never-" + scheme;
        auto r = run_ptzgrab({"snapshot", "--url", url, "--timeout", "2", "-o", (tmp / "never.jpg").string()},
                             {{"TMPDIR", tmp.path()}}, 30s);
        INFO(scheme, r.err);
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("timeout") != std::string::npos);
        CHECK(r.elapsed < 8s);  // the deadline holds (2 s asked), far from the 10 s default
        CHECK(processes_with_arg(url).empty());
        CHECK(tmp.empty());
    }
}

TEST_CASE("snapshot: an ffmpeg that hangs is killed at the deadline with its children") {
    ScratchDir dir, tmp;
    std::string marker = "hung-ffmpeg-child-" + std::to_string(::getpid());
    auto fake = write_script(dir / "ffmpeg",
                             "case \"$*\" in *-version*) echo 'ffmpeg version 9.9-hang'; exit 0;; esac\n"
                             "sh -c 'sleep 300; :' " + marker + " & sleep 301");  // a grandchild named by the marker
    auto r = run_ptzgrab({"snapshot", "--ffmpeg", fake.string(), "--url", "rtsp://127.0.0.1:9/x", "--timeout", "1",
                          "-o", (dir / "o.jpg").string()},
                         {{"TMPDIR", tmp.path()}}, 30s);
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("timeout") != std::string::npos);
    CHECK(processes_with_arg(marker).empty());
    CHECK(tmp.empty());
    CHECK_FALSE(fs::exists(dir / "o.jpg"));
}

TEST_CASE("snapshot: ffmpeg missing is exit 3 with what to do, and --on-error image writes the card") {
    ScratchDir dir;
    auto r = run_ptzgrab({"snapshot", "--ffmpeg", "/nonexistent/ffmpeg", "-o", (dir / "a.jpg").string()});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("ffmpeg not found at /nonexistent/ffmpeg") != std::string::npos);
    CHECK(r.err.find("apt-get install ffmpeg") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "a.jpg"));

    auto empty_path = run_ptzgrab({"snapshot", "--on-error", "image", "--width", "640", "--height", "360", "-o",
                                   (dir / "card.jpg").string()},
                                  {{"PATH", (dir / "no-bin").string()}, {"PTZGRAB_FFMPEG", ""}});
    CHECK(empty_path.exit_code == 3);
    CHECK(empty_path.err.find("not found in PATH") != std::string::npos);
    Frame card = decoded(dir / "card.jpg");
    CHECK(card.width == 640);
    CHECK(card.height == 360);
}

TEST_CASE("snapshot: an ffmpeg that writes garbage instead of a JPEG is bad_image, exit 4") {
    ScratchDir dir;
    auto fake = write_script(dir / "ffmpeg",
                             "case \"$*\" in *-version*) echo 'ffmpeg version 9.9-garbage'; exit 0;; esac\n"
                             "for last; do :; done\nprintf 'GIF89a but not really an image' > \"$last\"");
    auto r = run_ptzgrab({"snapshot", "--ffmpeg", fake.string(), "-o", (dir / "o.jpg").string()},
                         {{"PTZGRAB_FFMPEG", ""}});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("bad_image") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "o.jpg"));
}

TEST_CASE("snapshot: a password in the URL never reaches stderr, stdout or the log line") {
    RtspSource rtsp({.user = "viewer", .password = "Sup3rSecretPw"});
    ScratchDir dir;
    std::string wrong = "rtsp://viewer:WrongSecretPw@" + rtsp.url().substr(7);
    auto denied = run_ptzgrab({"snapshot", "--url", wrong, "--on-error", "image", "-o", (dir / "d.jpg").string()});
    CHECK(denied.exit_code == 4);
    CHECK(denied.err.find("source_unreachable") != std::string::npos);
    CHECK(denied.err.find("viewer:***@") != std::string::npos);
    CHECK(denied.err.find("WrongSecretPw") == std::string::npos);
    CHECK(denied.out.find("WrongSecretPw") == std::string::npos);
    decoded(dir / "d.jpg");
    auto ok = run_ptzgrab({"snapshot", "--url", rtsp.url_with_credentials(), "-o", (dir / "ok.jpg").string()});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("Sup3rSecretPw") == std::string::npos);
    CHECK(ok.out.find("viewer:***@") != std::string::npos);
}

TEST_CASE("snapshot: a password holding '@' with a space, a quote or a line break never reaches stderr") {
    ScratchDir dir;
    for (std::string password : {"Pw8@Sec ret", "Pw8@Sec\"ret", "Pw8@Sec\nret", "Pw8 Sec'ret"}) {
        CAPTURE(password);
        std::string url = "rtsp://admin:" + password + "@127.0.0.1:1/s";  // nothing listens on port 1
        auto r = run_ptzgrab({"snapshot", "--url", url, "--timeout", "5", "--on-error", "image", "-o",
                              (dir / "card.jpg").string()});
        INFO(r.err);
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("admin:***@127.0.0.1:1/s") != std::string::npos);
        CHECK(r.err.find("Connection refused") != std::string::npos);
        for (const char* part : {"Pw8", "Sec", "ret@"}) CHECK(r.err.find(part) == std::string::npos);
        CHECK(r.out.find("Sec") == std::string::npos);
        decoded(dir / "card.jpg");
    }
}

TEST_CASE("snapshot: an upper-case scheme grabs like a lower-case one (RTSP, HTTP MJPEG, HLS)") {
    RtspSource rtsp;
    check_grab("RTSP" + rtsp.url().substr(4), 640, 360);
    check_grab("Rtsp" + rtsp.url().substr(4), 640, 360);
    MjpegSource mjpeg;
    check_grab("HTTP" + mjpeg.url().substr(4), 640, 360);
    HlsSource hls;
    check_grab("Http" + hls.url().substr(4), 640, 360);
}

TEST_CASE("snapshot: -o - writes the JPEG to stdout") {
    auto r = run_ptzgrab({"snapshot", "-o", "-", "--width", "320"});
    REQUIRE(r.exit_code == 0);
    std::vector<uint8_t> bytes(r.out.begin(), r.out.end());
    auto f = decode_frame(bytes, std::chrono::system_clock::now());
    REQUIRE(f.has_value());
    CHECK(f->width == 320);
    CHECK(f->height == 180);
}

TEST_CASE("snapshot: strftime patterns in -o name the file and folders are created") {
    ScratchDir dir;
    auto r = run_ptzgrab({"snapshot", "--utc", "-o", (dir / "snaps/cam1-%Y%m%d-%H%M%S.jpg").string()});
    REQUIRE(r.exit_code == 0);
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir / "snaps")) files.push_back(e.path());
    REQUIRE(files.size() == 1);
    std::string name = files[0].filename().string();
    CHECK(name.starts_with("cam1-20"));
    CHECK(name.size() == std::string("cam1-20261125-070509.jpg").size());
    decoded(files[0]);
}

TEST_CASE("snapshot: an output that cannot be written is exit 5 before any grab") {
    ScratchDir dir;
    std::ofstream(dir / "file") << "x";
    auto r = run_ptzgrab({"snapshot", "--ffmpeg", "/nonexistent/ffmpeg", "-o", (dir / "file/sub/o.jpg").string()});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("not writable") != std::string::npos);
}

TEST_CASE("snapshot: wrong flags and unsupported URLs are usage errors, exit 2") {
    for (std::vector<std::string> args : {std::vector<std::string>{"snapshot", "--quality", "0"},
                                          {"snapshot", "--bogus"},
                                          {"snapshot", "--rtsp-transport", "sctp"},
                                          {"snapshot", "--timeout", "abc"},
                                          {"snapshot", "--url", "concat:/etc/passwd|/etc/hosts", "-o", "-"},
                                          {"frobnicate"},
                                          {}}) {
        auto r = run_ptzgrab(args);
        CAPTURE(r.err);
        CHECK(r.exit_code == 2);
        CHECK_FALSE(r.err.empty());
    }
}

TEST_CASE("snapshot: SIGTERM mid-grab kills ffmpeg and removes the temp folder") {
    SilentTcpServer silent;
    ScratchDir tmp, dir;
    std::string url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/sigterm-test";
    BackgroundProcess grab({ptzgrab_binary().string(), "snapshot", "--url", url, "--timeout", "30", "-o",
                            (dir / "o.jpg").string()},
                           dir / "log", {{"TMPDIR", tmp.path().string()}});
    for (int i = 0; i < 100 && tmp.empty(); ++i) std::this_thread::sleep_for(50ms);
    REQUIRE_FALSE(tmp.empty());  // the grab is under way
    std::this_thread::sleep_for(300ms);  // and ffmpeg started
    ::kill(grab.pid(), SIGTERM);
    bool ended = false;
    for (int i = 0; i < 100 && !(ended = !grab.running()); ++i) std::this_thread::sleep_for(50ms);
    CHECK(ended);
    CHECK(grab.log_text().find("stopped by signal") != std::string::npos);
    CHECK(processes_with_arg(url).empty());
    CHECK(tmp.empty());
}

TEST_CASE("snapshot: a stream the short probe cannot size is grabbed again with ffmpeg's full probe") {
    // The fault (a camera whose parameters come late) is injected by a wrapper in front of the
    // real ffmpeg, which then grabs from a real RTSP server.
    RtspSource rtsp;
    ScratchDir dir;
    auto wrapper = write_script(dir / "ffmpeg",
                                "echo \"$*\" >> '" + (dir / "starts.log").string() + "'\n"
                                "case \"$*\" in *'-probesize 32768'*)\n"
                                "  echo 'Could not find codec parameters for stream 0 (Video: h264, none): unspecified size' >&2; exit 1;;\n"
                                "esac\nexec ffmpeg \"$@\"");
    auto r = run_ptzgrab({"snapshot", "--ffmpeg", wrapper.string(), "--url", rtsp.url(), "-o", (dir / "o.jpg").string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    decoded(dir / "o.jpg");
    std::ifstream log(dir / "starts.log");
    std::vector<std::string> starts;
    for (std::string line; std::getline(log, line);) starts.push_back(line);
    REQUIRE(starts.size() == 2);
    CHECK(starts[0].find("-probesize 32768") != std::string::npos);
    CHECK(starts[1].find("-probesize") == std::string::npos);
}

TEST_CASE("snapshot: a playlist from the network cannot make ffmpeg read a local file") {
    // ffmpeg 5.1's HLS demuxer refuses this by itself too; the test holds the property whatever
    // ffmpeg does, and the argv test checks that our whitelist never lists file.
    ScratchDir media;
    auto clip = make_test_clip(media.path(), "320x240", 2, "local-secret.ts");
    std::ofstream(media / "evil.m3u8") << "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile://" << clip.string()
                                       << "\n#EXT-X-ENDLIST\n";
    int port = free_port();
    BackgroundProcess http({"/usr/bin/python3", (source_dir() / "scripts/test-servers/http_server.py").string(), "--port",
                            std::to_string(port), "--dir", media.path().string()},
                           media / "http.log");
    REQUIRE(wait_for_listen(port, 10s));
    ScratchDir out;
    auto r = run_ptzgrab({"snapshot", "--url", "http://127.0.0.1:" + std::to_string(port) + "/evil.m3u8", "-o",
                          (out / "o.jpg").string()});
    CHECK(r.exit_code == 4);
    CHECK_FALSE(fs::exists(out / "o.jpg"));
}
