#pragma once
// The optional shared token: `Authorization: Bearer T` or `?token=T` (for <img> tags).
#include <optional>
#include <string_view>

#include "http_types.hpp"
#include "query.hpp"

namespace ptzgrab::web {

/// Compares in time that depends only on the lengths, not on where the texts differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// The credentials of "Bearer T": the scheme in any case (RFC 7235), any blanks after it; else nullopt.
std::optional<std::string_view> bearer_credentials(std::string_view authorization);

/// True when no token is required, or the request carries the right one.
bool is_authorized(const Request& request, const Target& target, std::string_view token);

}  // namespace ptzgrab::web
