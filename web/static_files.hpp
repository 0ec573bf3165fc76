#pragma once
// Files under /assets/ come from one folder, read into memory once at start, and no request
// path can leave it.
//
// Why at start and never again: any disk access while answering (a read, even a stat to notice a
// change) blocks an io thread, and a slow or busy disk would then stall every connection on it.
// The folder holds the page's script and style, the bundled hls.js and the demo clip (an HLS VOD
// playlist and its segments, made by scripts/make-demo-media.sh): all fixed for a release, small
// (about 2 MB), so they are immutable for the server's lifetime. A file changed, added or removed
// after the start is not seen until the next start; a live (changing) HLS playlist belongs at an
// hls_url of its own server, not in this folder. Each file carries a strong ETag (a hash of its
// bytes), so browsers revalidate with If-None-Match and get 304 without the body.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ptzgrab::web {

struct Asset {
    std::shared_ptr<const std::vector<uint8_t>> bytes;
    std::string content_type;
    std::string etag;  // strong, quoted: "\"<size hex>-<FNV-1a 64 hex>\""
};

/// Files above this size are not served from the assets folder.
constexpr std::uintmax_t max_asset_bytes = 64ull * 1024 * 1024;
/// What the whole folder may hold in memory; files past it are skipped (404).
constexpr std::uintmax_t max_assets_total_bytes = 256ull * 1024 * 1024;
/// Entries visited at most (a mistaken --assets-dir / must not take the start forever).
constexpr std::size_t max_asset_entries = 10000;

/// The Content-Type for a file name's extension (.html .js .css .m3u8 .ts .png .jpg .svg ...).
std::string_view content_type_for(const std::filesystem::path& file);

/// Whether an If-None-Match value ("\"a\", W/\"b\"" or "*") names `etag` (weak comparison, RFC 9110 13.1.2).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// The assets folder in memory. Loaded on the main thread before serving; then read-only, so the
/// io threads read it without a lock.
class AssetStore {
public:
    AssetStore() = default;  // empty: every asset is "not found"

    /// Reads every regular file below `root`: not hidden names (".x") nor what they hold, not
    /// symlinks that lead out of it, nor symlinked folders; within the size limits above. A missing
    /// folder gives an empty store.
    static AssetStore load(const std::filesystem::path& root);

    /// The asset for `encoded_rel` (the target after "/assets/", still %-encoded); never touches
    /// the disk. invalid_input for paths that try to leave the folder ("..", encoded or
    /// double-encoded dots, backslashes, NUL, hidden names); io_error "not found" otherwise.
    Result<const Asset*> find(std::string_view encoded_rel) const;

    std::size_t size() const { return files_.size(); }

private:
    std::map<std::string, Asset, std::less<>> files_;  // by relative path, '/'-separated
};

}  // namespace ptzgrab::web
