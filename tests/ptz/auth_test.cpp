#include <doctest/doctest.h>

#include <chrono>

#include "ptz/hashes.hpp"
#include "ptz/http_digest.hpp"
#include "ptz/ws_security.hpp"

using namespace ptzgrab::ptz;
using namespace std::chrono;

TEST_CASE("ws-security: the ONVIF programmer's guide vector gives its PasswordDigest") {
    auto nonce = base64_decode("LKqI6G/AikKCQrN0zqZFlg==");
    REQUIRE(nonce);
    CHECK(nonce->size() == 16);
    CHECK(password_digest(*nonce, "2010-09-16T07:50:45Z", "userpassword") == "tuOSpGlFlIXsozq4HFNeeGeFLEI=");
}

TEST_CASE("ws-security: Created is UTC, whole seconds, ending in Z") {
    sys_days day = year(2010) / September / 16;
    CHECK(utc_timestamp(day + hours(7) + minutes(50) + seconds(45) + milliseconds(999)) == "2010-09-16T07:50:45Z");
}

TEST_CASE("ws-security: the header carries user, digest, Base64 nonce and Created, never the password") {
    sys_days day = year(2010) / September / 16;
    auto nonce = *base64_decode("LKqI6G/AikKCQrN0zqZFlg==");
    std::string header = security_header("ad<min", "userpassword", nonce, day + hours(7) + minutes(50) + seconds(45));
    CHECK(header.find("<wsse:Username>ad&lt;min</wsse:Username>") != std::string::npos);
    CHECK(header.find(">tuOSpGlFlIXsozq4HFNeeGeFLEI=<") != std::string::npos);
    CHECK(header.find(">LKqI6G/AikKCQrN0zqZFlg==<") != std::string::npos);
    CHECK(header.find("<wsu:Created>2010-09-16T07:50:45Z</wsu:Created>") != std::string::npos);
    CHECK(header.find("userpassword") == std::string::npos);
}

TEST_CASE("hashes: SHA-1, MD5 and Base64 match their standard vectors") {
    CHECK(to_hex(sha1_bytes("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(to_hex(sha1_bytes("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5_hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6");
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_decode("Zm9vYg==") == std::optional<std::string>("foob"));
    CHECK_FALSE(base64_decode("Zm9v*mFy"));
}

TEST_CASE("http digest: the RFC 2617 example gives its response") {
    auto challenge = parse_digest_challenge(
        R"(Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")");
    REQUIRE(challenge);
    CHECK(challenge->qop_auth);
    std::string header =
        digest_authorization(*challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b");
    CHECK(header.find(R"(response="6629fae49393a05397450978507c4ef1")") != std::string::npos);
    CHECK(header.find("nc=00000001") != std::string::npos);
    CHECK(header.find(R"(cnonce="0a4f113b")") != std::string::npos);
    CHECK(header.find(R"(opaque="5ccc069c403ebaf9f0171e9517f40e41")") != std::string::npos);
    CHECK(header.find("Circle Of Life") == std::string::npos);
}

TEST_CASE("http digest: a Hikvision challenge parses; Basic and SHA-256-only challenges do not") {
    auto hik = parse_digest_challenge(
        R"x(Digest qop="auth", realm="IP Camera(C2515)", nonce="4e5459344e6a49324f5459364e446b304f4463354e44553d", stale="FALSE")x");
    REQUIRE(hik);
    CHECK(hik->realm == "IP Camera(C2515)");
    CHECK(hik->qop_auth);
    CHECK_FALSE(hik->stale);
    CHECK_FALSE(parse_digest_challenge(R"(Basic realm="cam")"));
    CHECK_FALSE(parse_digest_challenge(R"(Digest realm="cam", nonce="n", algorithm=SHA-256)"));
    CHECK_FALSE(parse_digest_challenge(R"(Digest realm="cam")"));
    auto rfc2069 = parse_digest_challenge(R"(Digest realm="cam", nonce="abc")");
    REQUIRE(rfc2069);
    CHECK_FALSE(rfc2069->qop_auth);
    CHECK(digest_authorization(*rfc2069, "u", "p", "POST", "/x", 1, "c").find("qop") == std::string::npos);
}

TEST_CASE("http digest: a second challenge in one header is not merged into the first") {
    auto first = parse_digest_challenge(R"(Digest realm="a", nonce="n1", qop="auth", Digest realm="b", nonce="n2")");
    REQUIRE(first);
    CHECK(first->realm == "a");
    CHECK(first->nonce == "n1");
    CHECK(first->qop_auth);
    auto after_basic = parse_digest_challenge(R"(Basic realm="basic", Digest realm="d", nonce="n")");
    REQUIRE(after_basic);
    CHECK(after_basic->realm == "d");
}

TEST_CASE("http digest: each challenge is tried until one is MD5 (SHA-256 offered first)") {
    auto md5 = parse_digest_challenge(
        R"(Digest realm="cam", nonce="sha", algorithm=SHA-256, qop="auth", Digest realm="cam", nonce="md5", algorithm=MD5, qop="auth")");
    REQUIRE(md5);
    CHECK(md5->nonce == "md5");
    CHECK_FALSE(parse_digest_challenge(R"(Digest realm="cam", nonce="a", algorithm=SHA-256, Digest realm="cam", nonce="b", algorithm=MD5-sess)"));
}

TEST_CASE("http digest: quotes and backslashes in the username and the echoed values are escaped") {
    auto challenge = parse_digest_challenge(R"(Digest realm="my \"cam\"", nonce="n")");
    REQUIRE(challenge);
    CHECK(challenge->realm == R"(my "cam")");
    std::string header = digest_authorization(*challenge, R"(ad"mi\n)", "p", "POST", "/x", 1, "c");
    CHECK(header.find(R"(username="ad\"mi\\n")") != std::string::npos);
    CHECK(header.find(R"(realm="my \"cam\"")") != std::string::npos);
}
