#include "url.hpp"

#include <algorithm>
#include <cctype>

namespace ptzgrab {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

bool is_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// RFC 3986 unreserved characters, plus '%' for escapes and '/' between segments.
bool is_plain_path_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' ||
           c == '%' || c == '/';
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// An escape must not hide a delimiter: "%3F" or "%40" may be decoded by the server.
bool is_plain_path(std::string_view path) {
    constexpr std::string_view hidden_delimiters = "@?#;=&%";
    for (size_t i = 0; i < path.size(); ++i) {
        if (!is_plain_path_char(path[i])) return false;
        if (path[i] != '%') continue;
        if (i + 2 >= path.size() || hex_digit(path[i + 1]) < 0 || hex_digit(path[i + 2]) < 0) return false;
        char decoded = static_cast<char>(hex_digit(path[i + 1]) * 16 + hex_digit(path[i + 2]));
        if (hidden_delimiters.find(decoded) != std::string_view::npos) return false;
        i += 2;
    }
    return true;
}

bool is_plain_host(std::string_view host) {
    if (host.empty()) return false;
    if (host.starts_with('[')) {  // an IPv6 literal, optionally with a port
        size_t close = host.find(']');
        if (close == std::string_view::npos) return false;
        std::string_view literal = host.substr(1, close - 1), rest = host.substr(close + 1);
        bool literal_ok = !literal.empty() && std::ranges::all_of(literal, [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        });
        bool port_ok = rest.empty() || (rest.size() > 1 && rest[0] == ':' &&
                                        std::ranges::all_of(rest.substr(1), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }));
        return literal_ok && port_ok;
    }
    return std::ranges::all_of(host, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':';
    });
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

std::string with_lower_case_scheme(std::string_view url) {
    size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::ranges::all_of(url.substr(0, colon), is_scheme_char))
        return std::string(url);
    return lower(url.substr(0, colon)) + std::string(url.substr(colon));
}

bool is_bare_url(std::string_view url) {
    if (url.starts_with('/')) return !url.starts_with("//") && is_plain_path(url);
    std::string_view rest;
    if (starts_with_ci(url, "http://")) rest = url.substr(7);
    else if (starts_with_ci(url, "https://")) rest = url.substr(8);
    else return false;
    size_t slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    return is_plain_host(host) && is_plain_path(path);
}

}  // namespace ptzgrab
