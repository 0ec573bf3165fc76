#pragma once
// Readers of a frame file (cron consumers, web servers) must never see half a JPEG.
#include <cstdint>
#include <filesystem>
#include <span>

#include "error.hpp"

namespace ptzgrab {

/// Creates missing parent directories, writes a temp file beside `target`,
/// then renames it over `target`. On failure nothing is left behind.
Result<void> write_file_atomically(const std::filesystem::path& target, std::span<const uint8_t> bytes);

}  // namespace ptzgrab
