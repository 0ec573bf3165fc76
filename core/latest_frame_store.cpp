#include "latest_frame_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "atomic_file.hpp"

namespace ptzgrab {
namespace {

namespace fs = std::filesystem;

bool safe_source_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           std::ranges::all_of(name, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; });
}

// A shared temp folder could be pre-created by someone else: use it only if it is ours.
bool is_own_directory(const fs::path& dir) {
    struct stat st {};
    return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid();
}

Result<void> write_into(const fs::path& dir, const std::string& source, bool is_default,
                        std::span<const uint8_t> jpeg) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorKind::io_error, "cannot create " + dir.string(), ec.message());
    if (!is_own_directory(dir) && dir.string().starts_with(fs::temp_directory_path(ec).string()))
        return make_error(ErrorKind::io_error, dir.string() + " belongs to another user");
    if (auto r = write_file_atomically(dir / source / "latest.jpg", jpeg); !r) return r;
    if (is_default) return write_file_atomically(dir / "latest.jpg", jpeg);
    return {};
}

}  // namespace

std::vector<fs::path> fallback_directories() {
    std::vector<fs::path> dirs;
    if (const char* state = std::getenv("PTZGRAB_STATE_DIR"); state && *state) dirs.emplace_back(state);
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime)
        dirs.push_back(fs::path(runtime) / "ptzgrab");
    const char* tmp = std::getenv("TMPDIR");
    dirs.push_back(fs::path(tmp && *tmp ? tmp : "/tmp") / ("ptzgrab-" + std::to_string(::geteuid())));
    return dirs;
}

LatestFrameStore::LatestFrameStore(fs::path preferred, std::vector<fs::path> fallbacks) {
    candidates_.push_back(std::move(preferred));
    for (auto& dir : fallbacks) candidates_.push_back(std::move(dir));
}

Result<fs::path> LatestFrameStore::write(const std::string& source, bool is_default, std::span<const uint8_t> jpeg) {
    if (!safe_source_name(source))
        return make_error(ErrorKind::invalid_input, "source name unfit for a folder: " + source);
    std::lock_guard lock(mutex_);
    std::string failures;
    for (; current_ < candidates_.size(); ++current_) {
        const fs::path& dir = candidates_[current_];
        auto written = write_into(dir, source, is_default, jpeg);
        if (written) {
            if (in_use_ != dir) {
                change_note_ = "latest frames go to " + dir.string() + (failures.empty() ? "" : " (" + failures + ")");
                in_use_ = dir;
            }
            return dir / source / "latest.jpg";
        }
        if (!failures.empty()) failures += "; ";
        failures += written.error().message + ": " + written.error().detail;
    }
    current_ = candidates_.empty() ? 0 : candidates_.size() - 1;  // keep trying the last one
    in_use_.clear();
    return make_error(ErrorKind::io_error, "no folder for latest frames is writable", failures);
}

fs::path LatestFrameStore::directory() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

std::string LatestFrameStore::take_change_note() {
    std::lock_guard lock(mutex_);
    return std::exchange(change_note_, {});
}

}  // namespace ptzgrab
