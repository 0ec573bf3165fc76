#include "static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
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

Result<StaticFile> read_asset(const fs::path& root, std::string_view encoded_rel) {
    auto rel = safe_relative(encoded_rel);
    if (!rel) return std::unexpected(rel.error());
    std::error_code ec;
    fs::path real_root = fs::canonical(root, ec);
    if (ec) return make_error(ErrorKind::io_error, "no assets folder");
    fs::path real_file = fs::canonical(real_root / *rel, ec);  // resolves symlinks
    if (ec || !is_inside(real_root, real_file) || !fs::is_regular_file(real_file, ec))
        return make_error(ErrorKind::io_error, "not found");
    if (fs::file_size(real_file, ec) > max_asset_bytes || ec) return make_error(ErrorKind::io_error, "not found");
    std::ifstream in(real_file, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) return make_error(ErrorKind::io_error, "not found");
    return StaticFile{std::make_shared<const std::vector<uint8_t>>(std::move(bytes)),
                      std::string(content_type_for(real_file))};
}

}  // namespace ptzgrab::web
