// The maskers of url.hpp: where a URL keeps its secrets, and how text is cleaned of them.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "url.hpp"

namespace ptzgrab {
namespace {

constexpr std::string_view masked = "***";

/// Shorter secrets are not searched for in free text (see mask_text in url.hpp).
constexpr size_t min_secret_chars_in_text = 3;

/// How often a key is percent-decoded: "p%2561ss" is "pass" to a server that decodes twice.
constexpr int key_decode_rounds = 3;

struct Span {
    size_t begin;
    size_t end;  // one past the last character
};

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Lenient: a '%' not followed by two hex digits stays as it is.
std::string percent_decoded(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
            i += 2;
        } else {
            out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

// Stems found anywhere in the key's letters and digits: "loginpas", "X-Amz-Credential", "wmsAuthSign".
constexpr std::array<std::string_view, 13> secret_stems = {
    "pas", "pw", "psw", "secret", "token", "key", "sig", "auth", "cred", "sess", "hmac", "cookie", "private"};

// Whole words only: as stems they would hit everyday names ("mapping", "inside").
constexpr std::array<std::string_view, 11> secret_words = {
    "p", "pin", "sid", "code", "otp", "hash", "md5", "jwt", "ticket", "hdnts", "hdnea"};

bool has_secret_word(const std::string& key) {
    size_t pos = 0;
    while (pos < key.size()) {
        while (pos < key.size() && !is_alnum(key[pos])) ++pos;
        size_t end = pos;
        while (end < key.size() && is_alnum(key[end])) ++end;
        std::string_view word = std::string_view(key).substr(pos, end - pos);
        if (!word.empty() && std::ranges::find(secret_words, word) != secret_words.end()) return true;
        pos = end;
    }
    return false;
}

// "[fe80::1%25eth0]:554": a bracketed IPv6 address (hex digits, dots, two colons or more, an
// optional %zone) with an optional port, and nothing else.
bool is_ipv6_authority(std::string_view authority) {
    size_t close = authority.find(']');
    if (!authority.starts_with('[') || close == std::string_view::npos) return false;
    std::string_view literal = authority.substr(1, close - 1);
    std::string_view address = literal.substr(0, literal.find('%'));
    std::string_view zone = literal.substr(address.size());
    bool address_ok = std::ranges::count(address, ':') >= 2 && std::ranges::all_of(address, [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
    });
    bool zone_ok = std::ranges::all_of(zone, [](char c) { return is_alnum(c) || c == '%' || c == '-' || c == '_' || c == '.'; });
    std::string_view port = authority.substr(close + 1);
    bool port_ok = port.empty() || (port.starts_with(':') && std::ranges::all_of(port.substr(1), [](char c) {
                                        return std::isdigit(static_cast<unsigned char>(c)) != 0;
                                    }));
    return address_ok && zone_ok && port_ok;
}

// Where the userinfo's password sits. It runs from the userinfo's first ':' to the URL's last '@':
// a password may hold '@', '/', '?', '#', spaces or quotes, and hiding a path that holds an '@'
// as well is the safe side. A bracketed IPv6 host with an '@' only later in the path has no userinfo.
std::optional<Span> password_span(std::string_view url) {
    size_t sep = url.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    size_t auth = sep + 3;
    size_t at = url.rfind('@');
    if (at == std::string_view::npos || at < auth) return std::nullopt;
    size_t auth_end = std::min(url.find_first_of("/?#", auth), url.size());
    if (is_ipv6_authority(url.substr(auth, auth_end - auth))) return std::nullopt;
    size_t colon = url.substr(auth, at - auth).find(':');
    // A user with no password is the whole credential (a token as the user name): all of it goes.
    if (colon == std::string_view::npos) return at < auth_end ? std::optional(Span{auth, at}) : std::nullopt;
    return Span{auth + colon + 1, at};
}

// "_channel=": the next parameter of the XMEye/Sofia underscore form starts here.
bool starts_underscore_parameter(std::string_view s, size_t at) {
    if (s[at] != '_') return false;
    size_t end = at + 1;
    while (end < s.size() && is_alnum(s[end])) ++end;
    return end > at + 1 && end < s.size() && s[end] == '=';
}

// Where a parameter value starting at `from` ends: in the path at the next parameter or segment,
// in the query and fragment at the next parameter.
size_t value_end(std::string_view url, size_t from, bool in_path) {
    for (size_t i = from; i < url.size(); ++i) {
        char c = url[i];
        if (c == '&' || c == ';' || c == '#') return i;
        if (in_path && (c == '/' || c == '?' || starts_underscore_parameter(url, i))) return i;
    }
    return url.size();
}

// Values of secret parameters: "key=value" pairs in the path, query and fragment.
void add_parameter_spans(std::string_view url, size_t authority_begin, std::vector<Span>& spans) {
    size_t path = url.find_first_of("/?#", authority_begin);
    if (path == std::string_view::npos) return;
    size_t query = std::min(url.find_first_of("?#", path), url.size());
    size_t pos = path + 1, last_value_end = path + 1;
    for (size_t eq = url.find('=', pos); eq != std::string_view::npos; eq = url.find('=', pos)) {
        // url[path] is '/', '?' or '#', so a delimiter is always found at or after `path`.
        size_t key_begin = std::max(url.find_last_of("/?#&;=", eq - 1) + 1, last_value_end);
        pos = eq + 1;
        if (key_begin > eq || !is_secret_key(url.substr(key_begin, eq - key_begin))) continue;
        size_t end = value_end(url, eq + 1, eq < query);
        if (end > eq + 1) spans.push_back({eq + 1, end});
        pos = last_value_end = std::max(end, eq + 1);
    }
}

// Every secret of a URL, in order; they may overlap. Parameters are looked for from the start of
// the authority: when the password's last '@' sits inside a query value, that value is still found.
std::vector<Span> secret_spans(std::string_view url) {
    std::vector<Span> spans;
    size_t sep = url.find("://");
    if (sep == std::string_view::npos) return spans;
    if (auto password = password_span(url)) spans.push_back(*password);
    add_parameter_spans(url, sep + 3, spans);
    std::ranges::sort(spans, {}, &Span::begin);
    return spans;
}

// Overlapping or touching spans as one, so that each masked stretch is one "***".
std::vector<Span> merged(std::vector<Span> spans) {
    std::vector<Span> out;
    for (const Span& s : spans) {
        if (!out.empty() && s.begin <= out.back().end) out.back().end = std::max(out.back().end, s.end);
        else out.push_back(s);
    }
    return out;
}

// Replaces every occurrence of `needle` in `text`, left to right, never inside a replacement.
void replace_all(std::string& text, std::string_view needle, std::string_view with) {
    if (needle.empty()) return;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + with.size()))
        text.replace(at, needle.size(), with);
}

// The source URL, then its secrets (raw and decoded, longest first), wherever they occur in `text`.
void mask_source_secrets(std::string& text, std::string_view source_url) {
    std::string masked_url = mask_credentials(source_url);
    if (masked_url == source_url) return;
    replace_all(text, source_url, masked_url);
    std::vector<std::string> secrets;
    for (const Span& s : secret_spans(source_url)) {
        std::string_view raw = source_url.substr(s.begin, s.end - s.begin);
        for (std::string form : {std::string(raw), percent_decoded(raw, false), percent_decoded(raw, true)})
            if (form.size() >= min_secret_chars_in_text) secrets.push_back(std::move(form));
    }
    std::ranges::sort(secrets, [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& secret : secrets) replace_all(text, secret, masked);
}

bool is_scheme_char(char c) { return is_alnum(c) || c == '+' || c == '-' || c == '.'; }

bool ends_token(char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '"'; }

size_t token_end(std::string_view text, size_t from) {
    while (from < text.size() && !ends_token(text[from])) ++from;
    return from;
}

// Where the URL whose "://" is at `sep` ends in free text: at the end of its token, or, when a
// ':' after "://" is followed later on the same line by an '@' (a password holding spaces or
// quotes), at the end of the token holding the line's last '@'.
size_t url_end_in_text(std::string_view text, size_t sep) {
    size_t end = token_end(text, sep + 3);
    size_t line_end = std::min(text.find_first_of("\r\n", sep + 3), text.size());
    if (end >= line_end) return end;
    size_t last_at = text.substr(end, line_end - end).rfind('@');
    if (last_at == std::string_view::npos) return end;
    last_at += end;
    if (text.substr(sep + 3, last_at - sep - 3).find(':') == std::string_view::npos) return end;
    return token_end(text, last_at + 1);
}

// Every "scheme://..." in `text` through mask_credentials.
std::string mask_urls(std::string_view text) {
    std::string out;
    size_t pos = 0;
    for (size_t sep = text.find("://"); sep != std::string_view::npos; sep = text.find("://", pos)) {
        size_t begin = sep;
        while (begin > pos && is_scheme_char(text[begin - 1])) --begin;
        size_t end = url_end_in_text(text, sep);
        // ffmpeg writes "URL: reason"; keep the trailing colon out of the URL.
        size_t url_end = (end > sep + 3 && text[end - 1] == ':') ? end - 1 : end;
        out.append(text.substr(pos, begin - pos));
        out.append(mask_credentials(text.substr(begin, url_end - begin)));
        out.append(text.substr(url_end, end - url_end));
        pos = end;
    }
    out.append(text.substr(std::min(pos, text.size())));
    return out;
}

}  // namespace

bool is_secret_key(std::string_view key) {
    std::string decoded(key);
    for (int round = 0; round < key_decode_rounds && decoded.find('%') != std::string::npos; ++round)
        decoded = percent_decoded(decoded, true);
    std::ranges::transform(decoded, decoded.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string letters;
    std::ranges::copy_if(decoded, std::back_inserter(letters), is_alnum);
    bool has_stem = std::ranges::any_of(secret_stems, [&](std::string_view s) { return letters.find(s) != std::string::npos; });
    return has_stem || has_secret_word(decoded);
}

std::string mask_credentials(std::string_view url) {
    std::string out;
    size_t copied = 0;
    for (const Span& s : merged(secret_spans(url))) {
        out.append(url.substr(copied, s.begin - copied)).append(masked);
        copied = s.end;
    }
    out.append(url.substr(copied));
    return out;
}

std::string mask_text(std::string_view text, std::string_view source_url) {
    std::string out(text);
    if (!source_url.empty()) mask_source_secrets(out, source_url);
    return mask_urls(out);
}

Error masked_error(Error error, std::string_view source_url) {
    error.message = mask_text(error.message, source_url);
    error.detail = mask_text(error.detail, source_url);
    return error;
}

bool mask_secret(std::string& text, std::string_view secret) {
    if (secret.size() < min_secret_chars_in_text || text.find(secret) == std::string::npos) return false;
    replace_all(text, secret, masked);
    return true;
}

}  // namespace ptzgrab
