#include <doctest/doctest.h>

#include "core/grabber.hpp"
#include "core/url.hpp"

using namespace ptzgrab;

namespace {

struct Case {
    const char* url;
    const char* masked;
};

void check_masked(std::initializer_list<Case> cases) {
    for (const Case& c : cases) {
        CAPTURE(std::string(c.url));
        CHECK(mask_credentials(c.url) == c.masked);
    }
}

}  // namespace

TEST_CASE("url: the password in the userinfo and secret query values are masked") {
    check_masked({
        {"rtsp://admin:s3cret@192.168.1.20:554/Streaming/101", "rtsp://admin:***@192.168.1.20:554/Streaming/101"},
        {"rtsp://192.168.1.20/live", "rtsp://192.168.1.20/live"},
        {"rtsp://admin@192.168.1.20/live", "rtsp://***@192.168.1.20/live"},  // a lone user is the credential
        {"rtsp://Tok3nSECRET@127.0.0.1:1/s", "rtsp://***@127.0.0.1:1/s"},
        {"http://cam/p?mail=a@b.example", "http://cam/p?mail=a@b.example"},
        {"rtsp://admin:p%40ss%3Aw0rd@cam.local/s", "rtsp://admin:***@cam.local/s"},
        {"rtsp://admin:p@ss@cam.local/s", "rtsp://admin:***@cam.local/s"},
        {"rtsp://admin:pa/ss@cam.local/s", "rtsp://admin:***@cam.local/s"},
        {"rtsp://admin:Sup3r?Secret@127.0.0.1:1/x", "rtsp://admin:***@127.0.0.1:1/x"},
        {"rtsp://admin:Sup3r#Secret@127.0.0.1:1/x", "rtsp://admin:***@127.0.0.1:1/x"},
        {"rtsp://u:p/a?s@h/x", "rtsp://u:***@h/x"},
        {"rtsp://admin:pw@[::1]:8554/s", "rtsp://admin:***@[::1]:8554/s"},
        {"rtsp://[fe80::1%25eth0]:554/s", "rtsp://[fe80::1%25eth0]:554/s"},
        {"rtsp://[::1]:554/path@x", "rtsp://[::1]:554/path@x"},
        {"rtsp://[:p]/x@h/s", "rtsp://[:***@h/s"},  // not an IPv6 host: a user "[" and a password
        {"http://cam/video.mjpg?user=admin&password=hunter2", "http://cam/video.mjpg?user=admin&password=***"},
        {"http://cam/snap?pwd=1&x=2&token=abc#frag", "http://cam/snap?pwd=***&x=2&token=***#frag"},
        {"https://cdn/x.m3u8?X-Amz-Signature=ff&api_key=k&auth=z&pass=p", "https://cdn/x.m3u8?X-Amz-Signature=***&api_key=***&auth=***&pass=***"},
        {"https://u:p@host/a.m3u8?Token=t", "https://u:***@host/a.m3u8?Token=***"},
        {"/var/media/clip.mp4", "/var/media/clip.mp4"},
        {"", ""},
    });
}

TEST_CASE("url: a password holding '@' with a space, a quote, a line break, '/', '?' or '#' is masked whole") {
    check_masked({
        {"rtsp://admin:Pw8@Sec ret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:Pw8@Sec\"ret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:Pw8@Sec'ret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:Pw8@Sec\nret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:Pw8@Sec/ret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:Pw8@Sec?ret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:Pw8@Sec#ret@127.0.0.1:1/s", "rtsp://admin:***@127.0.0.1:1/s"},
        {"rtsp://admin:@cam/s", "rtsp://admin:***@cam/s"},
        {"RTSP://Admin:S3cret@cam/s", "RTSP://Admin:***@cam/s"},
    });
}

TEST_CASE("url: query keys are judged by meaning, after percent-decoding, in any case") {
    check_masked({
        {"http://cam/cgi?loginuse=admin&loginpas=S3cret", "http://cam/cgi?loginuse=admin&loginpas=***"},
        {"http://cam/cgi?usr=admin&pw=S3cret", "http://cam/cgi?usr=admin&pw=***"},
        {"http://cam/cgi?user=admin&psw=S3cret", "http://cam/cgi?user=admin&psw=***"},
        {"http://cam/cgi?u=admin&p=S3cret", "http://cam/cgi?u=admin&p=***"},
        {"http://cam/cgi?PWD=S3cret&Passwd=S3cret", "http://cam/cgi?PWD=***&Passwd=***"},
        {"http://cam/cgi?p%61ssword=S3cret", "http://cam/cgi?p%61ssword=***"},
        {"http://cam/cgi?%50%41%53%53=S3cret", "http://cam/cgi?%50%41%53%53=***"},
        {"http://cam/cgi?p%2561ss=S3cret", "http://cam/cgi?p%2561ss=***"},
        {"http://cam/cgi?credentials=YWRtaW46UzNjcmV0", "http://cam/cgi?credentials=***"},
        {"http://cam/x.m3u8?sig=abc%2Bdef%3D&sv=2022-11-02&se=2030-01-01&sp=r",
         "http://cam/x.m3u8?sig=***&sv=2022-11-02&se=2030-01-01&sp=r"},
        {"https://b.s3.amazonaws.com/x.m3u8?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1"
         "&X-Amz-Security-Token=IQoJ&X-Amz-Signature=9f",
         "https://b.s3.amazonaws.com/x.m3u8?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***"
         "&X-Amz-Security-Token=***&X-Amz-Signature=***"},
        {"https://g/x.m3u8?X-Goog-Credential=sa%40p&X-Goog-Signature=ab", "https://g/x.m3u8?X-Goog-Credential=***&X-Goog-Signature=***"},
        {"https://h/x.m3u8?access_token=T&session=S&SessionId=I&apikey=K&x-api-key=K",
         "https://h/x.m3u8?access_token=***&session=***&SessionId=***&apikey=***&x-api-key=***"},
        {"https://h/x.m3u8?wmsAuthSign=c2Vy&hdnts=exp=1~acl=/*~hmac=ab", "https://h/x.m3u8?wmsAuthSign=***&hdnts=***"},
        {"https://h/x.m3u8?Authorization=Basic+YWRt&client_secret=z", "https://h/x.m3u8?Authorization=***&client_secret=***"},
        {"http://cam/x?a=1;pwd=S3cret", "http://cam/x?a=1;pwd=***"},
        {"https://h/cb#access_token=T&expires_in=3600", "https://h/cb#access_token=***&expires_in=3600"},
        {"http://cam/x?password=&x=1", "http://cam/x?password=&x=1"},
    });
}

TEST_CASE("url: everyday camera parameters stay readable") {
    check_masked({
        {"rtsp://cam:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1",
         "rtsp://cam:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1"},
        {"rtsp://cam/cam/realmonitor?channel=1&subtype=0&unicast=true&proto=Onvif",
         "rtsp://cam/cam/realmonitor?channel=1&subtype=0&unicast=true&proto=Onvif"},
        {"http://cam/cgi-bin/mjpg/video.cgi?channel=1&subtype=1&user=admin", "http://cam/cgi-bin/mjpg/video.cgi?channel=1&subtype=1&user=admin"},
        {"rtsp://cam/live/ch00_0.264", "rtsp://cam/live/ch00_0.264"},
        {"http://cam/live/index.m3u8", "http://cam/live/index.m3u8"},
    });
}

TEST_CASE("url: credentials in the path are masked: ;password= parameters and the XMEye/Sofia forms") {
    check_masked({
        {"rtsp://h:554/user=admin&password=S3cret&channel=1&stream=0.sdp", "rtsp://h:554/user=admin&password=***&channel=1&stream=0.sdp"},
        {"rtsp://h:554/user=admin_password=S3cret_channel=1_stream=0.sdp", "rtsp://h:554/user=admin_password=***_channel=1_stream=0.sdp"},
        {"rtsp://h:554/user=admin_password=S3_c_ret_channel=1_stream=0.sdp", "rtsp://h:554/user=admin_password=***_channel=1_stream=0.sdp"},
        {"rtsp://h/live;user=admin;password=S3cret/ch1", "rtsp://h/live;user=admin;password=***/ch1"},
        {"rtsp://h/live;PASSWORD=S3cret?x=1", "rtsp://h/live;PASSWORD=***?x=1"},
        {"rtsp://h/user=admin&pwd=S3cret", "rtsp://h/user=admin&pwd=***"},
    });
}

TEST_CASE("url: URLs inside free text are masked, and so is the bare password") {
    std::string url = "rtsp://admin:hunter2@10.0.0.5/s";
    std::string text = "[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized\n" + url +
                       ": Server returned 401 Unauthorized (authorization failed); pw was hunter2";
    std::string masked = mask_text(text, url);
    CHECK(masked.find("hunter2") == std::string::npos);
    CHECK(masked.find("rtsp://admin:***@10.0.0.5/s: Server returned 401") != std::string::npos);
}

TEST_CASE("url: in free text a password holding '@' and a space or a quote is masked whole, source known or not") {
    for (const char* url : {"rtsp://admin:Pw8@Sec ret@127.0.0.1:1/s", "rtsp://admin:Pw8@Sec\"ret@127.0.0.1:1/s",
                            "rtsp://admin:Pw8@Sec'ret@127.0.0.1:1/s", "rtsp://admin:Pw8 Sec ret@127.0.0.1:1/s"}) {
        CAPTURE(url);
        std::string text = std::string(url) + ": Connection refused";
        CHECK(mask_text(text) == "rtsp://admin:***@127.0.0.1:1/s: Connection refused");
        CHECK(mask_text(text, url) == "rtsp://admin:***@127.0.0.1:1/s: Connection refused");
    }
}

TEST_CASE("url: with the source known, a password holding a line break is masked across lines") {
    std::string url = "rtsp://admin:Pw8@Sec\nret@127.0.0.1:1/s";
    std::string masked = mask_text("[tcp @ 0x1] x\n" + url + ": Connection refused\n", url);
    CHECK(masked == "[tcp @ 0x1] x\nrtsp://admin:***@127.0.0.1:1/s: Connection refused\n");
}

TEST_CASE("url: the source's secrets are replaced anywhere in text, raw and percent-decoded") {
    CHECK(mask_text("auth as p@ss w0rd failed", "rtsp://admin:p%40ss%20w0rd@h/s") == "auth as *** failed");
    CHECK(mask_text("auth as p%40ss%20w0rd failed", "rtsp://admin:p%40ss%20w0rd@h/s") == "auth as *** failed");
    CHECK(mask_text("bad token T0kenValue here", "http://cam/x?token=T0kenValue") == "bad token *** here");
    CHECK(mask_text("signature a+b= rejected", "http://cam/x?sig=a%2Bb%3D") == "signature *** rejected");
    CHECK(mask_text("login S3cret refused", "rtsp://h:554/user=admin_password=S3cret_channel=1") == "login *** refused");
}

TEST_CASE("url: a 1-2 character secret is masked inside URLs but not searched for in free text") {
    // Replacing "12" everywhere would wreck times and addresses, and a 2-character password guards nothing.
    CHECK(mask_text("exit 12 at 12:00 rtsp://a:12@h/s", "rtsp://a:12@h/s") == "exit 12 at 12:00 rtsp://a:***@h/s");
    CHECK(mask_text("pw xyz refused", "rtsp://a:xyz@h/s") == "pw *** refused");
}

TEST_CASE("url: ffmpeg's last stderr line is masked before it is cut, never cut inside a secret") {
    std::string url = "rtsp://admin:Pw8@Sec ret@127.0.0.1:1/s";
    for (size_t prefix = 270; prefix < 300; ++prefix) {
        CAPTURE(prefix);
        std::string line = std::string(prefix, 'x') + " " + url + ": Connection refused";
        std::string shown = last_stderr_line("first line\n" + line + "\n", url);
        CHECK(shown.find("Sec") == std::string::npos);
        CHECK(shown.find("ret@") == std::string::npos);
    }
    std::string broken = "rtsp://admin:Pw8\nSec@127.0.0.1:1/s";
    CHECK(last_stderr_line("x\n" + broken + ": Connection refused\n", broken) ==
          "rtsp://admin:***@127.0.0.1:1/s: Connection refused");
}

TEST_CASE("url: a stderr tail cut at its front by the size limit does not show the cut line") {
    // Only the last 16 KiB are kept: a single long line may start in the middle of a password.
    ProcessOutcome outcome;
    outcome.exit_code = 1;
    outcome.stderr_tail = "cret@127.0.0.1:1/s: " + std::string(ProcessSpec{}.output_limit_bytes, 'x');
    Error error = classify_ffmpeg_failure(outcome, GrabRequest{.url = "rtsp://admin:Se cret@127.0.0.1:1/s"});
    CHECK(error.detail.find("cret") == std::string::npos);
    CHECK(error.message.find("cret") == std::string::npos);
}

TEST_CASE("url: an error's message and detail are masked against their source") {
    std::string url = "rtsp://admin:Pw8\nSec@127.0.0.1:1/s";
    Error error = masked_error({ErrorKind::no_frame, "cannot open " + url, "Pw8\nSec was refused"}, url);
    CHECK(error.kind == ErrorKind::no_frame);
    CHECK(error.message == "cannot open rtsp://admin:***@127.0.0.1:1/s");
    CHECK(error.detail == "*** was refused");
}

TEST_CASE("url: only a URL with no userinfo, query, fragment or parameters may be handed to a browser") {
    for (const char* bare : {"http://cam.example/live/index.m3u8", "https://cam.example:8443/a/b-c_d~e.m3u8",
                             "HTTPS://cam.example/x.m3u8", "/assets/demo/index.m3u8", "http://[::1]:8080/x.m3u8",
                             "https://cdn/a%20b.m3u8"}) {
        CAPTURE(std::string(bare));
        CHECK(is_bare_url(bare));
    }
    for (const char* not_bare :
         {"http://u:p@cam/x.m3u8", "http://u@cam/x.m3u8", "https://cdn/x.m3u8?sig=abc", "https://cdn/x.m3u8?quality=hi",
          "https://cdn/x.m3u8?", "https://cdn/x.m3u8#t", "https://cdn/live;token=t/x.m3u8",
          "https://cdn/user=a&password=b/x.m3u8", "https://cdn/x%3Fsig%3Dabc.m3u8", "https://cdn/a%40b/x.m3u8",
          "rtsp://cam/x", "ftp://cam/x.m3u8", "//cam/x.m3u8", "assets/x.m3u8", "https://cdn/a b.m3u8", "", "https://"}) {
        CAPTURE(std::string(not_bare));
        CHECK_FALSE(is_bare_url(not_bare));
    }
}

TEST_CASE("url: the scheme is written in lower case, the rest as given") {
    CHECK(with_lower_case_scheme("RTSP://Admin:PW@Cam/S") == "rtsp://Admin:PW@Cam/S");
    CHECK(with_lower_case_scheme("Https://cdn/X.m3u8") == "https://cdn/X.m3u8");
    CHECK(with_lower_case_scheme("rtsp://cam/s") == "rtsp://cam/s");
    CHECK(with_lower_case_scheme("/srv/A://b") == "/srv/A://b");
    CHECK(with_lower_case_scheme("clip.mp4") == "clip.mp4");
}

TEST_CASE("url: sources are classified by scheme and playlist suffix") {
    CHECK(classify_source("rtsp://cam/s") == SourceKind::rtsp);
    CHECK(classify_source("RTSPS://cam/s") == SourceKind::rtsp);
    CHECK(classify_source("http://cam/live/index.m3u8?token=1") == SourceKind::hls);
    CHECK(classify_source("https://cam/video.mjpg") == SourceKind::http);
    CHECK(classify_source("/srv/clip.mp4") == SourceKind::file);
    CHECK(classify_source("clip.mp4") == SourceKind::file);
    CHECK(classify_source("file:/srv/clip.mp4") == SourceKind::file);
    CHECK(classify_source("lavfi:testsrc2") == SourceKind::lavfi);
    CHECK(classify_source("concat:a.mp4|b.mp4") == SourceKind::unsupported);
    CHECK(classify_source("ftp://host/x") == SourceKind::unsupported);
    CHECK(classify_source("") == SourceKind::unsupported);
    CHECK(is_network(SourceKind::rtsp));
    CHECK(is_network(SourceKind::hls));
    CHECK_FALSE(is_network(SourceKind::file));
    CHECK_FALSE(is_network(SourceKind::lavfi));
}
