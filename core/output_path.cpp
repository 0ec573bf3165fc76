#include "output_path.hpp"

#include <ctime>
#include <vector>

namespace ptzgrab {

Result<std::string> expand_output_pattern(std::string_view pattern, std::chrono::system_clock::time_point when,
                                          bool utc) {
    if (pattern.empty()) return make_error(ErrorKind::invalid_input, "the output path is empty");
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    if (utc) ::gmtime_r(&t, &tm); else ::localtime_r(&t, &tm);
    std::string format(pattern);
    // strftime returns 0 both for "too small" and for an empty result; grow a few times.
    for (size_t size = format.size() * 4 + 64; size <= 64 * 1024; size *= 4) {
        std::vector<char> buffer(size);
        size_t n = std::strftime(buffer.data(), buffer.size(), format.c_str(), &tm);
        if (n > 0) return std::string(buffer.data(), n);
    }
    return make_error(ErrorKind::invalid_input, "the output pattern expands to nothing: " + format);
}

}  // namespace ptzgrab
