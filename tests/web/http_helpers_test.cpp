// The small pure pieces of web/: query parsing, masking for the log, tokens, content types, timestamps.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "web/access_log.hpp"
#include "web/auth.hpp"
#include "web/query.hpp"
#include "web/responses.hpp"
#include "web/static_files.hpp"

using namespace ptzgrab::web;

TEST_CASE("query: parameters are split and decoded, malformed escapes are an error") {
    auto t = parse_target("/stream/snapshot?source=back%20yard&width=320&flag&x=a+b");
    REQUIRE(t.has_value());
    CHECK(t->path == "/stream/snapshot");
    CHECK(*t->find("source") == "back yard");
    CHECK(*t->find("width") == "320");
    CHECK(*t->find("flag") == "");
    CHECK(*t->find("x") == "a b");
    CHECK(t->find("height") == nullptr);
    CHECK_FALSE(parse_target("/a?x=%g1").has_value());
    CHECK_FALSE(parse_target("/a?x=%2").has_value());
}

TEST_CASE("access log: token values and URL passwords are masked, other parameters kept") {
    CHECK(mask_target("/stream/snapshot?token=abc&width=3") == "/stream/snapshot?token=***&width=3");
    CHECK(mask_target("/x?url=rtsp://u:pw@h/s") == "/x?url=rtsp://u:***@h/s");
    CHECK(mask_target("/x?url=rtsp%3A%2F%2Fu%3Apw%40h%2Fs").find("pw@") == std::string::npos);
    CHECK(mask_target("/x?api_key=zz") == "/x?api_key=***");
    CHECK(mask_target("/healthz") == "/healthz");
    std::string line = access_log_line("GET", "/a\r\nFAKE 200", 404, 10, std::chrono::milliseconds(3));
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.ends_with(" 404 10 B 3 ms"));
}

TEST_CASE("access log: a target with nothing to mask is logged as sent; the token in a bare path is not") {
    using std::chrono::milliseconds;
    CHECK(mask_target("/stream/snapshot", "s3cr3t") == "/stream/snapshot");
    CHECK(mask_target("/latest/back-yard.jpg") == "/latest/back-yard.jpg");
    CHECK(mask_target("/s3cr3t/x", "s3cr3t") == "/***/x");                           // no '=', still found
    CHECK(mask_target("/s3cr%33t", "s3cr3t").find("s3cr") == std::string::npos);      // %-encoded
    CHECK(mask_target("/x/rtsp://u:pw@h/s").find("pw") == std::string::npos);         // a URL in the path
    CHECK(access_log_line("GET", "/stream/snapshot", 200, 75907, milliseconds(0), "s3cr3t") ==
          "GET /stream/snapshot 200 75907 B 0 ms");
    std::string long_plain = "/" + std::string(5000, 'p');
    CHECK(access_log_line("HEAD", long_plain, 404, 9, milliseconds(2)) ==
          "HEAD /" + std::string(2047, 'p') + "...(cut) 404 9 B 2 ms");
}

TEST_CASE("access log: the shortcut for a target with nothing to mask gives what the full masking gives") {
    // Random targets of pieces that masking looks at (secret words, userinfo, schemes, escapes,
    // separators, the token and its spellings): the log's masking, shortcut or not, must agree with
    // the full masking on each, and the log line must show that.
    const std::vector<std::string> pieces{"/", "?", "&", ";", ",", "#", ":", "@", "//", ".", "-", "~", "a", "Z9",
                                          "=", "%", "%73", "+", "://", "token", "password", "api_key",
                                          "user:pw@host", "rtsp:", "http:/", "s3cr3", "s3cr3t", "s3cr%33t",
                                          "S3CR3T", "pass", "key", "secret", "auth", "\t", " "};
    const std::string token = "s3cr3t";
    std::mt19937 random(20261128);
    int plain = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string target;
        for (size_t n = random() % 12; n > 0; --n) target += pieces[random() % pieces.size()];
        std::string full = mask_target_in_full(target, token);
        REQUIRE_MESSAGE(mask_target(target, token) == full, target);
        std::string line = access_log_line("GET", target, 200, 1, std::chrono::milliseconds(0), token);
        std::string shown = full;
        for (char& c : shown)
            if (static_cast<unsigned char>(c) < 0x20) c = '?';
        REQUIRE_MESSAGE(line == "GET " + shown + " 200 1 B 0 ms", target);
        if (full == target) ++plain;
    }
    CHECK(plain > 2000);  // both kinds were tried often: targets left as they are, and masked ones
    CHECK(plain < 18000);
}

TEST_CASE("access log: a line stays under PIPE_BUF whatever the request, so lines on a pipe never interleave") {
    std::string target = "/stream/snapshot?x=" + std::string(7000, 'a') + "&token=s3cr3t";
    std::string line = access_log_line(std::string(7000, 'M'), target, 200, 76000, std::chrono::milliseconds(1), "s3cr3t");
    CHECK(line.size() < 4096);
    CHECK(line.find("s3cr3t") == std::string::npos);
    CHECK(line.find("...(cut) 200") != std::string::npos);
    CHECK(line.ends_with(" 200 76000 B 1 ms"));
    // The cut falls inside the password: cut first, the masker would no longer see the '@' that
    // makes "u:secretpass" userinfo, and "secr" would reach the log.
    std::string before_password = "&url=rtsp://u:";
    size_t filler = 2048 - std::string("/x?y=").size() - before_password.size() - 4;  // 4 letters before the cut
    std::string secret_at_the_cut = "/x?y=" + std::string(filler, 'b') + before_password + "secretpass@h/s";
    REQUIRE(secret_at_the_cut.find("secretpass") < 2048);
    REQUIRE(secret_at_the_cut.find("secretpass") + 10 > 2048);
    CHECK(access_log_line("GET", secret_at_the_cut, 200, 1, std::chrono::milliseconds(1)).find("secr") == std::string::npos);
}

TEST_CASE("auth: tokens compare equal only when identical") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK_FALSE(constant_time_equal("", "a"));
    Request req{http::verb::get, "/", 11};
    req.set(http::field::authorization, "Bearer t0k");
    CHECK(is_authorized(req, *parse_target("/"), "t0k"));
    CHECK_FALSE(is_authorized(req, *parse_target("/"), "other"));
    CHECK(is_authorized(Request{}, *parse_target("/?token=t0k"), "t0k"));
    CHECK(is_authorized(Request{}, *parse_target("/"), ""));
}

TEST_CASE("static files: content types follow the extension") {
    CHECK(content_type_for("a/index.html") == "text/html; charset=utf-8");
    CHECK(content_type_for("hls.min.js") == "text/javascript; charset=utf-8");
    CHECK(content_type_for("view.css") == "text/css; charset=utf-8");
    CHECK(content_type_for("index.m3u8") == "application/vnd.apple.mpegurl");
    CHECK(content_type_for("seg001.ts") == "video/mp2t");
    CHECK(content_type_for("a.PNG") == "image/png");
    CHECK(content_type_for("a.jpg") == "image/jpeg");
    CHECK(content_type_for("a.svg") == "image/svg+xml");
    CHECK(content_type_for("a.bin") == "application/octet-stream");
}

TEST_CASE("responses: grab times are RFC 3339 in UTC with milliseconds") {
    std::chrono::system_clock::time_point t{std::chrono::milliseconds(1764034698123)};
    CHECK(rfc3339_utc(t) == "2025-11-25T01:38:18.123Z");
}
