// Fuzz harness for the URL classifier and maskers, with a leak oracle: a marker placed inside a
// password, a secret query value or a path credential must never come out of mask_credentials or
// mask_text. Raw input also goes through every function of core/url.hpp, to catch crashes.
//
// Input layout: byte 0 picks the URL's shape, byte 1 its scheme and key; the rest is cut into
// length-prefixed pieces (user, text around the marker, host, path, query noise, text around the URL).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/url.hpp"

namespace {

constexpr std::string_view marker = "QZXSECRETQZX";
constexpr std::string_view encoded_marker = "%51ZXSECRETQZX";  // percent-decodes to the marker

constexpr std::array<std::string_view, 6> schemes = {"rtsp", "rtsps", "http", "https", "RTSP", "Http"};

constexpr std::array<std::string_view, 36> secret_keys = {
    "password", "pwd", "pw", "psw", "loginpas", "passwd", "pass", "PASSWORD", "Pwd", "p%61ssword",
    "%70%77%64", "secret", "client_secret", "token", "access_token", "X-Amz-Security-Token", "key", "apikey",
    "api_key", "x-api-key", "sig", "signature", "X-Amz-Signature", "X-Goog-Signature", "X-Amz-Credential",
    "auth", "authorization", "wmsAuthSign", "cred", "credentials", "session", "SessionId", "p", "hdnts",
    "admin_password", "pin"};

class Pieces {
public:
    Pieces(const uint8_t* data, size_t size) : data_(data), size_(size) {}

    uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }

    // The next piece: a length byte (at most 24), then that many bytes.
    std::string take() {
        size_t wanted = byte() % 25;  // read first: pos_ moves past the length byte
        size_t n = std::min(wanted, size_ - pos_);
        std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
        pos_ += n;
        return out;
    }

private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

std::string without(std::string s, std::string_view banned) {
    std::erase_if(s, [&](char c) { return banned.find(c) != std::string_view::npos; });
    return s;
}

// Characters that end a URL in free text (whitespace, quotes) or a line.
constexpr std::string_view text_breakers = " \t\n\r\v\f'\"";
constexpr std::string_view line_breaks = "\r\n";

// Non-printable bytes as \xNN, so that a report shows the input exactly.
std::string printable(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        out += c >= 32 && c < 127 ? std::string(1, static_cast<char>(c)) : std::string(hex);
    }
    return out;
}

[[noreturn]] void leak(const char* where, const std::string& url, const std::string& out) {
    std::fprintf(stderr, "LEAK from %s\n  url: %s\n  out: %s\n", where, printable(url).c_str(), printable(out).c_str());
    std::abort();
}

bool shows_secret(const std::string& out) {
    return out.find(marker) != std::string::npos || out.find(encoded_marker) != std::string::npos;
}

struct Shape {
    std::string url;
    bool text_safe;  // the secret can be found in free text without knowing the source URL
};

// One URL with the marker inside a credential, built from the input.
Shape build(Pieces& in) {
    uint8_t shape = in.byte() % 6, pick = in.byte();
    std::string scheme(schemes[pick % schemes.size()]);
    std::string key(secret_keys[(pick / schemes.size()) % secret_keys.size()]);
    std::string secret(pick & 0x80 ? encoded_marker : marker);
    // A userinfo never holds '[' (RFC 3986); "scheme://[::a]/..." is an IPv6 host to ffmpeg, not a user.
    std::string user = without(in.take(), ":@["), pre = in.take(), post = in.take();
    std::string host = in.take(), path = in.take(), query = in.take();
    bool pieces_plain = without(user + host + path + query, text_breakers) == user + host + path + query;
    switch (shape) {
    case 0:  // the userinfo's password; '@', spaces and quotes allowed around the marker
    case 1: {
        std::string url = scheme + "://" + user + ":" + pre + secret + post + "@" + host + "/" + path + query;
        bool plain = pieces_plain && without(pre + post, line_breaks) == pre + post;
        return {url, plain};
    }
    case 2: {  // a secret query value
        pre = without(pre, "&;#");
        std::string url = scheme + "://" + without(host, "/?#") + "/" + without(path, "?#") + "?" + query + "&" +
                          key + "=" + pre + secret + post;
        return {url, pieces_plain && without(pre, text_breakers) == pre};
    }
    case 3: {  // the XMEye/Sofia form with '&'
        pre = without(pre, "&;#/?_");
        std::string url = scheme + "://" + without(host, "/?#") + ":554/" + without(path, "?#") +
                          "/user=" + user + "&" + key + "=" + pre + secret + post + "&channel=1&stream=0.sdp";
        return {url, pieces_plain && without(pre, text_breakers) == pre};
    }
    case 4: {  // the XMEye/Sofia form with '_'
        pre = without(pre, "&;#/?_");
        std::string url = scheme + "://" + without(host, "/?#") + ":554/user=" + without(user, "_&;/?#") + "_" + key +
                          "=" + pre + secret + post + "_channel=1_stream=0.sdp";
        return {url, pieces_plain && without(pre, text_breakers) == pre};
    }
    default: {  // a ;key= path parameter
        pre = without(pre, "&;#/?_");
        std::string url = scheme + "://" + without(host, "/?#") + "/" + without(path, "?#;") + ";" + key + "=" + pre +
                          secret + post + "/live";
        return {url, pieces_plain && without(pre, text_breakers) == pre};
    }
    }
}

// Every function of url.hpp on raw bytes: none may crash, hang or trip a sanitizer.
void run_raw(std::string_view raw) {
    (void)ptzgrab::classify_source(raw);
    (void)ptzgrab::with_lower_case_scheme(raw);
    (void)ptzgrab::is_bare_url(raw);
    (void)ptzgrab::is_secret_key(raw);
    (void)ptzgrab::mask_credentials(raw);
    (void)ptzgrab::mask_text(raw);
    size_t half = raw.size() / 2;
    (void)ptzgrab::mask_text(raw.substr(0, half), raw.substr(half));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    run_raw(std::string_view(reinterpret_cast<const char*>(data), size));

    Pieces in(data, size);
    Shape shape = build(in);
    std::string text_before = in.take(), text_after = in.take();
    std::string text = text_before + " " + shape.url + ": Connection refused " + text_after;

    std::string out = ptzgrab::mask_credentials(shape.url);
    if (shows_secret(out)) leak("mask_credentials", shape.url, out);
    out = ptzgrab::mask_text(text, shape.url);
    if (shows_secret(out)) leak("mask_text with its source", shape.url, out);
    if (ptzgrab::is_bare_url(shape.url)) leak("is_bare_url", shape.url, "true");
    if (shape.text_safe) {
        out = ptzgrab::mask_text(text);
        if (shows_secret(out)) leak("mask_text without its source", shape.url, out);
    }
    return 0;
}
