#include "url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ptzgrab {
namespace {

constexpr std::string_view masked = "***";

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

bool is_secret_key(std::string_view key) {
    static constexpr std::array<std::string_view, 9> words = {
        "password", "passwd", "pass", "pwd", "token", "key", "auth", "signature", "secret"};
    std::string k = lower(key);
    return std::ranges::any_of(words, [&](std::string_view w) { return k.find(w) != std::string::npos; });
}

// Where the userinfo's password sits inside `url`, as [begin, end); npos if none.
std::pair<size_t, size_t> password_span(std::string_view url) {
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return {std::string_view::npos, 0};
    size_t auth_begin = scheme_end + 3;
    size_t query = url.find_first_of("?#", auth_begin);
    size_t auth_end = url.find('/', auth_begin);
    if (auth_end == std::string_view::npos || auth_end > query) auth_end = query;
    if (auth_end == std::string_view::npos) auth_end = url.size();
    std::string_view authority = url.substr(auth_begin, auth_end - auth_begin);
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) {
        // A password holding a raw '/', '?' or '#' ends the authority early; ffmpeg would then
        // fail, and its message must not show the rest of the password. Masking too much
        // (a port and path before an '@' in the query) is the safe side.
        size_t later_at = url.rfind('@');
        size_t colon = authority.find(':');
        if (later_at == std::string_view::npos || later_at < auth_end || colon == std::string_view::npos ||
            authority.starts_with('['))
            return {std::string_view::npos, 0};
        return {auth_begin + colon + 1, later_at};
    }
    size_t colon = authority.substr(0, at).find(':');
    if (colon == std::string_view::npos) return {std::string_view::npos, 0};
    return {auth_begin + colon + 1, auth_begin + at};
}

std::string mask_query(std::string_view query) {
    std::string out;
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t amp = query.find('&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        std::string_view pair = query.substr(pos, amp - pos);
        size_t eq = pair.find('=');
        if (eq != std::string_view::npos && is_secret_key(pair.substr(0, eq)))
            out.append(pair.substr(0, eq + 1)).append(masked);
        else
            out.append(pair);
        if (amp < query.size()) out.push_back('&');
        pos = amp + 1;
    }
    return out;
}

bool is_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

}  // namespace

std::string_view to_string(SourceKind kind) {
    switch (kind) {
    case SourceKind::rtsp: return "rtsp";
    case SourceKind::hls: return "hls";
    case SourceKind::http: return "http";
    case SourceKind::file: return "file";
    case SourceKind::lavfi: return "lavfi";
    case SourceKind::unsupported: return "unsupported";
    }
    return "unsupported";
}

SourceKind classify_source(std::string_view url) {
    if (url.empty()) return SourceKind::unsupported;
    if (starts_with_ci(url, "rtsp://") || starts_with_ci(url, "rtsps://")) return SourceKind::rtsp;
    if (starts_with_ci(url, "http://") || starts_with_ci(url, "https://")) {
        std::string path = lower(url.substr(0, url.find_first_of("?#")));
        return path.ends_with(".m3u8") ? SourceKind::hls : SourceKind::http;
    }
    if (starts_with_ci(url, "lavfi:")) return SourceKind::lavfi;
    if (starts_with_ci(url, "file:")) return SourceKind::file;
    if (url.find("://") != std::string_view::npos) return SourceKind::unsupported;
    // A bare "concat:a|b" or "subfile:" would make ffmpeg pick a protocol itself.
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash))
        return SourceKind::unsupported;
    return SourceKind::file;
}

bool is_network(SourceKind kind) {
    return kind == SourceKind::rtsp || kind == SourceKind::hls || kind == SourceKind::http;
}

std::string mask_credentials(std::string_view url) {
    std::string out;
    auto [pw_begin, pw_end] = password_span(url);
    if (pw_begin != std::string_view::npos) {
        out.append(url.substr(0, pw_begin)).append(masked).append(url.substr(pw_end));
    } else {
        out.assign(url);
    }
    if (out.find("://") == std::string::npos) return out;
    size_t q = out.find('?');
    if (q == std::string::npos) return out;
    size_t hash = out.find('#', q);
    std::string tail = hash == std::string::npos ? std::string() : out.substr(hash);
    std::string query = out.substr(q + 1, (hash == std::string::npos ? out.size() : hash) - q - 1);
    return out.substr(0, q + 1) + mask_query(query) + tail;
}

std::string mask_text(std::string_view text, std::string_view source_url) {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t sep = text.find("://", pos);
        if (sep == std::string_view::npos) break;
        size_t begin = sep;
        while (begin > pos && is_scheme_char(text[begin - 1])) --begin;
        size_t end = sep + 3;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
               text[end] != '\'' && text[end] != '"')
            ++end;
        // ffmpeg writes "URL: reason"; keep the trailing colon out of the URL.
        size_t url_end = (end > sep + 3 && text[end - 1] == ':') ? end - 1 : end;
        out.append(text.substr(pos, begin - pos));
        out.append(mask_credentials(text.substr(begin, url_end - begin)));
        out.append(text.substr(url_end, end - url_end));
        pos = end;
    }
    out.append(text.substr(std::min(pos, text.size())));
    auto [pw_begin, pw_end] = password_span(source_url);
    if (pw_begin != std::string_view::npos && pw_end - pw_begin >= 3) {
        std::string password(source_url.substr(pw_begin, pw_end - pw_begin));
        for (size_t at = out.find(password); at != std::string::npos; at = out.find(password, at))
            out.replace(at, password.size(), masked);
    }
    return out;
}

}  // namespace ptzgrab
