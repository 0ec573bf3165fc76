#pragma once
// A request target split into its path and its decoded query parameters.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace ptzgrab::web {

struct Target {
    std::string path;  // as sent, not decoded ("/latest/cam%201.jpg")
    std::vector<std::pair<std::string, std::string>> params;  // decoded, in order

    /// The first value of `key`, or nullptr.
    const std::string* find(std::string_view key) const;
};

/// Percent-decoding; '+' becomes a space when `plus_is_space` (query strings). Nullopt when malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Splits "/path?a=1&b=%20" into a Target. An error (invalid_input) on malformed escapes.
Result<Target> parse_target(std::string_view target);

}  // namespace ptzgrab::web
