#include "ffmpeg_locator.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

namespace ptzgrab {
namespace {

namespace fs = std::filesystem;
constexpr std::chrono::milliseconds version_deadline{5000};
constexpr std::string_view install_hint = "install it (Debian: apt-get install ffmpeg) or pass --ffmpeg PATH";

bool is_executable_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// The candidate path and, when nothing was found, why.
std::pair<std::string, std::string> pick_candidate(std::string_view explicit_path) {
    if (!explicit_path.empty()) return {std::string(explicit_path), "--ffmpeg"};
    if (const char* env = std::getenv("PTZGRAB_FFMPEG"); env && *env) return {env, "$PTZGRAB_FFMPEG"};
    const char* path_env = std::getenv("PATH");
    std::string_view dirs = path_env ? path_env : "";
    while (!dirs.empty()) {
        size_t colon = dirs.find(':');
        std::string_view dir = dirs.substr(0, colon);
        if (!dir.empty() && is_executable_file(fs::path(dir) / "ffmpeg"))
            return {(fs::path(dir) / "ffmpeg").string(), "PATH"};
        dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    }
    return {"", "PATH"};
}

FfmpegInfo probe(ProcessRunner& runner, const std::string& path, const std::string& origin, FfmpegCheck check) {
    FfmpegInfo info;
    info.path = path;
    if (path.empty()) {
        info.problem = "ffmpeg is not installed (not found in PATH): " + std::string(install_hint);
        return info;
    }
    if (!is_executable_file(path)) {
        info.problem = "ffmpeg not found at " + path + " (from " + origin + "): " + std::string(install_hint);
        return info;
    }
    if (check == FfmpegCheck::exists_only) {
        info.usable = true;
        return info;
    }
    auto outcome = runner.run({{path, "-hide_banner", "-version"}, version_deadline, 4096});
    if (!outcome || outcome->timed_out || outcome->exit_code != 0) {
        info.problem = path + " does not run as ffmpeg (`ffmpeg -version` failed): " + std::string(install_hint);
        return info;
    }
    info.version = parse_ffmpeg_version(outcome->stdout_tail);
    if (info.version.empty()) {
        info.problem = path + " does not answer like ffmpeg to -version";
        return info;
    }
    info.usable = true;
    return info;
}

}  // namespace

std::string parse_ffmpeg_version(std::string_view text) {
    constexpr std::string_view marker = "ffmpeg version ";
    size_t at = text.find(marker);
    if (at == std::string_view::npos) return {};
    size_t begin = at + marker.size();
    size_t end = text.find_first_of(" \n\r\t", begin);
    return std::string(text.substr(begin, end == std::string_view::npos ? text.npos : end - begin));
}

FfmpegInfo locate_ffmpeg(ProcessRunner& runner, std::string_view explicit_path, FfmpegCheck check) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, FfmpegCheck>, FfmpegInfo> cache;
    auto [path, origin] = pick_candidate(explicit_path);
    std::lock_guard lock(mutex);
    if (auto it = cache.find({path, check}); it != cache.end()) return it->second;
    FfmpegInfo info = probe(runner, path, origin, check);
    cache.emplace(std::pair{path, check}, info);
    return info;
}

}  // namespace ptzgrab
