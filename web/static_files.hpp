#pragma once
// Files under /assets/ come from one folder, and no request path can leave it.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ptzgrab::web {

struct StaticFile {
    std::shared_ptr<const std::vector<uint8_t>> bytes;
    std::string content_type;
};

/// Files above this size are not served from the assets folder.
constexpr std::uintmax_t max_asset_bytes = 64ull * 1024 * 1024;

/// The Content-Type for a file name's extension (.html .js .css .m3u8 .ts .png .jpg .svg ...).
std::string_view content_type_for(const std::filesystem::path& file);

/// Reads `encoded_rel` (the target after "/assets/", still %-encoded) below `root`.
/// invalid_input for paths that try to leave it ("..", encoded or double-encoded dots,
/// backslashes, NUL, hidden names); io_error when missing, not a regular file, or a symlink out.
Result<StaticFile> read_asset(const std::filesystem::path& root, std::string_view encoded_rel);

}  // namespace ptzgrab::web
