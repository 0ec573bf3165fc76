#include "access_log.hpp"

#include <cstdio>
#include <mutex>

#include "core/url.hpp"
#include "query.hpp"

namespace ptzgrab::web {
namespace {

// Whether core's masking treats `key` as a secret's name; asks it rather than keeping a second list.
bool is_secret_key(std::string_view key) {
    if (key.find_first_of("&=#?") != std::string_view::npos) return true;  // cannot ask: mask to be safe
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

}  // namespace

std::string mask_target(std::string_view target) {
    size_t q = target.find('?');
    std::string out(target.substr(0, q));
    if (q == std::string_view::npos) return mask_text(out);
    out.push_back('?');
    std::string_view query = target.substr(q + 1);
    bool first = true;
    while (true) {
        size_t amp = query.find('&');
        if (!first) out.push_back('&');
        out += mask_pair(query.substr(0, amp));
        first = false;
        if (amp == std::string_view::npos) break;
        query = query.substr(amp + 1);
    }
    return out;
}

std::string access_log_line(std::string_view method, std::string_view target, unsigned status, size_t bytes,
                            std::chrono::milliseconds elapsed) {
    std::string line(method);
    line += ' ';
    line += mask_target(target);
    // Control characters from the request must not forge extra log lines.
    for (char& c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    line += ' ' + std::to_string(status) + ' ' + std::to_string(bytes) + " B " + std::to_string(elapsed.count()) +
            " ms";
    return line;
}

LogSink stderr_log_sink() {
    return [](std::string_view line) {
        static std::mutex mutex;
        std::lock_guard lock(mutex);
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    };
}

}  // namespace ptzgrab::web
