#include "access_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "append_number.hpp"
#include "core/url.hpp"
#include "query.hpp"

namespace ptzgrab::web {
namespace {

bool contains_ci(std::string_view text, std::string_view word) {
    auto it = std::ranges::search(text, word, [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return !it.empty();
}

// Whether core's masking treats `key` as a secret's name; asks it rather than keeping a second
// list, and never trusts it alone for the server's own token.
bool is_secret_key(std::string_view key) {
    if (key.find_first_of("&=#?") != std::string_view::npos) return true;  // cannot ask: mask to be safe
    if (contains_ci(key, "token")) return true;
    std::string probe = "http://h/?" + std::string(key) + "=v";
    return mask_credentials(probe) != probe;
}

std::string mask_pair(std::string_view pair) {
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return std::string(pair);
    std::string_view raw_key = pair.substr(0, eq), raw_value = pair.substr(eq + 1);
    auto key = percent_decode(raw_key, true);
    auto value = percent_decode(raw_value, true);
    if (!key || !value || is_secret_key(*key)) return std::string(raw_key) + "=***";
    if (value->find("://") != std::string::npos || value->find('@') != std::string::npos) {
        std::string masked = mask_credentials(*value);
        if (masked != *value) return std::string(raw_key) + "=" + masked;
    }
    return std::string(pair);
}

// Each piece between `separators` that reads "key=value" is masked as a query pair would be:
// "/stream/view&token=T" (a '?' forgotten) or "/s;password=P" must not reach the log either.
std::string mask_pieces(std::string_view text, std::string_view separators) {
    std::string out;
    while (true) {
        size_t end = text.find_first_of(separators);
        out += mask_pair(text.substr(0, end));
        if (end == std::string_view::npos) break;
        out += text[end];
        text.remove_prefix(end + 1);
    }
    return out;
}

// The server's own token must not appear in the log in any spelling a client chose: literal,
// or %-encoded so that only the decoded target shows it.
std::string without_token(std::string line, std::string_view token) {
    if (token.empty()) return line;
    for (size_t at = line.find(token); at != std::string::npos; at = line.find(token, at))
        line.replace(at, token.size(), "***");
    for (bool plus_is_space : {false, true}) {
        auto decoded = percent_decode(line, plus_is_space);
        if (decoded && decoded->find(token) != std::string::npos) return "(a target holding the token, withheld)";
    }
    return line;
}

// A logged target is cut past this: with the rest of the line it stays under PIPE_BUF (4 KiB), so a
// line written to a pipe (journald, a shell) is never interleaved with another thread's.
constexpr size_t max_logged_target = 2048;

// Whether mask_target_in_full could change `target`: a secret needs a "key=value" piece
// (mask_pair), a URL (core's mask_text: "://"), or the token, literal or %- or +-encoded
// (without_token). A new masking rule must widen this; a test compares the two on random targets.
bool may_hold_secret(std::string_view target, std::string_view token) {
    if (target.find_first_of("=%+") != std::string_view::npos) return true;
    if (target.find("://") != std::string_view::npos) return true;
    return !token.empty() && target.find(token) != std::string_view::npos;
}

// The target as the log shows it, uncut: masked in full only when it may hold a secret.
void append_masked_target(std::string& out, std::string_view target, std::string_view token) {
    if (may_hold_secret(target, token)) {
        out += mask_target_in_full(target, token);
    } else {
        out += target;
    }
}

}  // namespace

std::string mask_target(std::string_view target, std::string_view token) {
    std::string out;
    append_masked_target(out, target, token);
    return out;
}

std::string mask_target_in_full(std::string_view target, std::string_view token) {
    size_t q = target.find('?');
    std::string out = mask_pieces(target.substr(0, q), "/;&,");
    if (q != std::string_view::npos) out += "?" + mask_pieces(target.substr(q + 1), "&");
    return without_token(mask_text(out), token);
}

std::string access_log_line(std::string_view method, std::string_view target, unsigned status, size_t bytes,
                            std::chrono::milliseconds elapsed, std::string_view token) {
    method = method.substr(0, 32);  // Beast lets a method of any length through
    std::string line;
    line.reserve(method.size() + target.size() + 64);  // the only allocation, when nothing is masked
    line += method;
    line += ' ';
    size_t target_at = line.size();
    append_masked_target(line, target, token);  // masked whole, then cut: a cut never reveals
    if (line.size() - target_at > max_logged_target) {
        line.resize(target_at + max_logged_target);
        line += "...(cut)";
    }
    // Control characters from the request must not forge extra log lines.
    for (char& c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    line += ' ';
    append_number(line, status);
    line += ' ';
    append_number(line, static_cast<long long>(bytes));
    line += " B ";
    append_number(line, elapsed.count());
    line += " ms";
    return line;
}

LogSink stderr_log_sink() {
    // One write per line and no lock: the kernel keeps each call's bytes together (an append to a
    // file, a pipe write up to PIPE_BUF = 4 KiB, which access_log_line keeps lines under), so io
    // threads' lines stay whole and no io thread waits for another's: a mutex and stdio's lock cost
    // a futex per request under load (strace).
    return [](std::string_view line) {
        thread_local std::string text;  // keeps its capacity: no allocation per line
        text.assign(line);
        text += '\n';
        const char* at = text.data();
        size_t left = text.size();
        while (left > 0) {  // a short write (a signal, a full disk) goes on from where it stopped
            ssize_t n = ::write(STDERR_FILENO, at, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;  // nowhere to log: the request is answered all the same
            at += n;
            left -= static_cast<size_t>(n);
        }
    };
}

}  // namespace ptzgrab::web
