#include "static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#include "query.hpp"

namespace ptzgrab::web {
namespace fs = std::filesystem;
namespace {

// Checks the decoded relative path segment by segment.
Result<fs::path> safe_relative(std::string_view encoded_rel) {
    auto decoded = percent_decode(encoded_rel, false);
    if (!decoded) return make_error(ErrorKind::invalid_input, "malformed %-escape in the path");
    const std::string& rel = *decoded;
    // '%' left after one decoding means a double-encoded path ("%252e%252e"): never a real asset name.
    if (rel.empty() || rel.find_first_of(std::string_view("\\%\0", 3)) != std::string::npos)
        return make_error(ErrorKind::invalid_input, "bad asset path");
    fs::path out;
    size_t pos = 0;
    while (pos <= rel.size()) {
        size_t slash = rel.find('/', pos);
        if (slash == std::string::npos) slash = rel.size();
        std::string_view segment(rel.data() + pos, slash - pos);
        if (segment.empty() || segment.front() == '.')  // "..", ".", hidden files, "//"
            return make_error(ErrorKind::invalid_input, "bad asset path");
        out /= fs::path(std::string(segment));
        pos = slash + 1;
    }
    return out;
}

bool is_inside(const fs::path& root, const fs::path& file) {
    auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
    return root_end == root.end();
}

// FNV-1a, 64 bits: stable across runs and builds, so a browser's cached copy stays valid after a restart.
std::string strong_etag(const std::vector<uint8_t>& bytes) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (uint8_t b : bytes) hash = (hash ^ b) * 0x100000001b3ull;
    char text[48];
    std::snprintf(text, sizeof text, "\"%zx-%016llx\"", bytes.size(), static_cast<unsigned long long>(hash));
    return text;
}

// `entry` (a file, or a symlink to one that stays inside `real_root`) read whole; nullopt when not served.
std::optional<Asset> read_file_inside(const fs::path& real_root, const fs::path& entry, std::uintmax_t budget) {
    std::error_code ec;
    fs::path real_file = fs::canonical(entry, ec);  // resolves symlinks
    if (ec || !is_inside(real_root, real_file) || !fs::is_regular_file(real_file, ec)) return std::nullopt;
    std::uintmax_t size = fs::file_size(real_file, ec);
    if (ec || size > max_asset_bytes || size > budget) return std::nullopt;
    std::ifstream in(real_file, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) return std::nullopt;
    if (bytes.size() > budget) return std::nullopt;  // grew since the size was read
    std::string etag = strong_etag(bytes);
    return Asset{std::make_shared<const std::vector<uint8_t>>(std::move(bytes)),
                 std::string(content_type_for(real_file)), std::move(etag)};
}

}  // namespace

std::string_view content_type_for(const fs::path& file) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 18> types{{
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"}, {".json", "application/json"},
        {".map", "application/json"}, {".m3u8", "application/vnd.apple.mpegurl"},
        {".ts", "video/mp2t"}, {".mp4", "video/mp4"}, {".m4s", "video/iso.segment"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
        {".svg", "image/svg+xml"}, {".ico", "image/x-icon"}, {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    }};
    std::string ext = file.extension().string();
    std::ranges::transform(ext, ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [e, type] : types)
        if (e == ext) return type;
    return "application/octet-stream";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    constexpr std::string_view blanks = " \t";
    while (!if_none_match.empty()) {
        size_t comma = if_none_match.find(',');
        std::string_view tag = if_none_match.substr(0, comma);
        if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
        size_t first = tag.find_first_not_of(blanks);
        if (first == std::string_view::npos) continue;
        tag = tag.substr(first, tag.find_last_not_of(blanks) - first + 1);
        if (tag == "*") return true;
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (tag == etag) return true;
    }
    return false;
}

AssetStore AssetStore::load(const fs::path& root) {
    AssetStore store;
    std::error_code ec;
    fs::path real_root = fs::canonical(root, ec);
    if (ec) return store;
    std::uintmax_t total = 0;
    std::size_t visited = 0;
    auto it = fs::recursive_directory_iterator(real_root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator() && ++visited <= max_asset_entries; it.increment(ec)) {
        fs::path rel = it->path().lexically_relative(real_root);
        if (rel.empty() || rel.filename().string().starts_with('.')) {
            it.disable_recursion_pending();  // hidden: neither served nor searched
            continue;
        }
        auto file = read_file_inside(real_root, it->path(), max_assets_total_bytes - total);
        if (!file) continue;
        total += file->bytes->size();
        store.files_.emplace(rel.generic_string(), std::move(*file));
    }
    return store;
}

Result<const Asset*> AssetStore::find(std::string_view encoded_rel) const {
    auto rel = safe_relative(encoded_rel);
    if (!rel) return std::unexpected(rel.error());
    auto found = files_.find(rel->generic_string());
    if (found == files_.end()) return make_error(ErrorKind::io_error, "not found");
    return &found->second;
}

}  // namespace ptzgrab::web
