#include "http_digest.hpp"

#include <algorithm>
#include <cctype>
#include "text_format.hpp"

#include "hashes.hpp"

namespace ptzgrab::ptz {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

void skip_separators(std::string_view& text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == ','))
        text.remove_prefix(1);
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// One `name=value` or `name="value"` parameter off the front of `text`. false, with `text` left as it
// was, at the end or where the next challenge starts ("Digest realm=...": a blank inside the name).
bool next_param(std::string_view& text, std::string& name, std::string& value) {
    std::string_view start = text;
    skip_separators(text);
    auto eq = text.find('=');
    if (text.empty() || eq == std::string_view::npos) {
        text = start;
        return false;
    }
    name = lower(text.substr(0, eq));
    while (!name.empty() && is_blank(name.back())) name.pop_back();
    if (name.empty() || std::ranges::any_of(name, [](char c) { return is_blank(c) || c == ','; })) {
        text = start;
        return false;
    }
    text.remove_prefix(eq + 1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    value.clear();
    if (!text.empty() && text.front() == '"') {
        std::size_t i = 1;
        for (; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] == '\\' && i + 1 < text.size()) ++i;
            value += text[i];
        }
        text.remove_prefix(std::min(i + 1, text.size()));
    } else {
        auto end = text.find(',');
        value = std::string(text.substr(0, end));
        while (!value.empty() && value.back() == ' ') value.pop_back();
        text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    }
    return true;
}

// A value for a quoted-string: `"` and `\` escaped.
std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + '"';
}

// The parameters of one challenge, up to the next challenge's scheme.
DigestChallenge read_challenge(std::string_view& rest) {
    DigestChallenge challenge;
    std::string name, value;
    while (next_param(rest, name, value)) {
        if (name == "realm") challenge.realm = value;
        else if (name == "nonce") challenge.nonce = value;
        else if (name == "opaque") challenge.opaque = value;
        else if (name == "algorithm") challenge.algorithm = value;
        else if (name == "stale") challenge.stale = lower(value) == "true";
        else if (name == "qop") {
            std::string offered = lower(value);
            for (std::size_t pos = 0; pos <= offered.size();) {
                auto comma = offered.find(',', pos);
                std::string token = offered.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
                std::erase_if(token, [](char c) { return c == ' '; });
                if (token == "auth") challenge.qop_auth = true;
                if (comma == std::string::npos) break;
                pos = comma + 1;
            }
        }
    }
    return challenge;
}

}  // namespace

std::optional<DigestChallenge> parse_digest_challenge(std::string_view header) {
    std::string_view rest = header;
    for (;;) {
        skip_separators(rest);
        if (rest.empty()) return std::nullopt;
        auto scheme_end = std::min(rest.find_first_of(" \t,"), rest.size());
        std::string scheme = lower(rest.substr(0, scheme_end));
        rest.remove_prefix(scheme_end);
        DigestChallenge challenge = read_challenge(rest);
        bool md5 = challenge.algorithm.empty() || lower(challenge.algorithm) == "md5";
        if (scheme == "digest" && !challenge.nonce.empty() && md5) return challenge;
    }
}

std::string digest_authorization(const DigestChallenge& challenge, std::string_view user, std::string_view password,
                                 std::string_view method, std::string_view uri, unsigned nc, std::string_view cnonce) {
    std::string ha1 = md5_hex(format_text("{}:{}:{}", user, challenge.realm, password));
    std::string ha2 = md5_hex(format_text("{}:{}", method, uri));
    std::string nc_text = format_text("{:08x}", nc);
    std::string response = challenge.qop_auth
                               ? md5_hex(format_text("{}:{}:{}:{}:auth:{}", ha1, challenge.nonce, nc_text, cnonce, ha2))
                               : md5_hex(format_text("{}:{}:{}", ha1, challenge.nonce, ha2));
    std::string out = format_text("Digest username={}, realm={}, nonce={}, uri={}, response=\"{}\"", quoted(user),
                                  quoted(challenge.realm), quoted(challenge.nonce), quoted(uri), response);
    if (!challenge.algorithm.empty()) out += ", algorithm=MD5";  // the only one parse_digest_challenge accepts
    if (!challenge.opaque.empty()) out += format_text(", opaque={}", quoted(challenge.opaque));
    if (challenge.qop_auth) out += format_text(", qop=auth, nc={}, cnonce={}", nc_text, quoted(cnonce));
    return out;
}

}  // namespace ptzgrab::ptz
