#include "latest_frame_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <utility>

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

std::vector<fs::path> with_preferred_first(fs::path preferred, std::vector<fs::path> fallbacks) {
    fallbacks.insert(fallbacks.begin(), std::move(preferred));
    return fallbacks;
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

LatestFrameStore::LatestFrameStore(fs::path preferred, std::vector<fs::path> fallbacks, LatestFrameStoreOptions options)
    : options_(std::move(options)),
      candidates_(with_preferred_first(std::move(preferred), std::move(fallbacks))),
      sources_(options_.sources) {}

Result<void> LatestFrameStore::write_into(const fs::path& dir, const std::string& source, bool is_default,
                                          std::span<const uint8_t> jpeg) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorKind::io_error, "cannot create " + dir.string(), ec.message());
    if (!is_own_directory(dir) && dir.string().starts_with(fs::temp_directory_path(ec).string()))
        return make_error(ErrorKind::io_error, dir.string() + " belongs to another user");
    std::vector<fs::path> files = {fs::path(source) / "latest.jpg"};
    if (is_default) files.emplace_back("latest.jpg");
    for (size_t i = 0; i < files.size(); ++i) {
        if (auto r = options_.write_file(dir / files[i], jpeg); !r) {
            // Half a write (the disk filled between the files) must not leave a frame to go stale.
            for (size_t j = 0; j < i; ++j) fs::remove(dir / files[j], ec);
            return r;
        }
    }
    return {};
}

// With write_mutex_ held: makes candidates_[index] the folder in use. The frames written in the
// folder left behind are removed (unlink works on a full disk), so readers there see no stale picture.
std::string LatestFrameStore::move_to(size_t index, const std::string& failures) {
    std::string note = "latest frames go to " + candidates_[index].string();
    if (!failures.empty()) note += " (" + failures + ")";
    if (index == current_) return note;
    std::set<fs::path> owned = written_here_;
    owned.insert("latest.jpg");
    for (const std::string& source : sources_)
        if (safe_source_name(source)) owned.insert(fs::path(source) / "latest.jpg");
    std::error_code ec;
    size_t removed = 0;
    for (const fs::path& file : owned) removed += fs::remove(candidates_[current_] / file, ec) ? 1 : 0;
    if (removed) note += "; removed " + std::to_string(removed) + " stale frame(s) from " + candidates_[current_].string();
    written_here_.clear();
    if (current_ == 0) left_preferred_at_ = options_.now();
    current_ = index;
    return note;
}

Result<fs::path> LatestFrameStore::write(const std::string& source, bool is_default, std::span<const uint8_t> jpeg) {
    if (!safe_source_name(source))
        return make_error(ErrorKind::invalid_input, "source name unfit for a folder: " + source);
    std::lock_guard lock(write_mutex_);
    // The store knows the default since set_sources: a write begun before a reload follows it both ways.
    if (!sources_.empty()) is_default = sources_.front() == source;
    size_t first = current_;
    if (current_ > 0 && options_.now() - left_preferred_at_ >= options_.retry_preferred_every) {
        first = 0;  // the preferred folder again: a full disk may have room by now
        left_preferred_at_ = options_.now();
    }
    std::string failures;
    for (size_t i = first; i < candidates_.size(); ++i) {
        auto written = write_into(candidates_[i], source, is_default, jpeg);
        if (!written) {
            if (!failures.empty()) failures += "; ";
            failures += written.error().message + ": " + written.error().detail;
            continue;
        }
        std::string note;
        if (i != current_ || directory().empty()) note = move_to(i, i < current_ ? "" : failures);
        written_here_.insert(fs::path(source) / "latest.jpg");
        if (is_default) written_here_.insert("latest.jpg");
        std::lock_guard state(state_mutex_);
        if (!note.empty()) change_note_ = std::move(note);
        in_use_ = candidates_[i];
        return candidates_[i] / source / "latest.jpg";
    }
    // current_ stays: the next write tries from it to the last folder again.
    std::lock_guard state(state_mutex_);
    in_use_.clear();
    return make_error(ErrorKind::io_error, "no folder for latest frames is writable", failures);
}

fs::path LatestFrameStore::directory() const {
    std::lock_guard lock(state_mutex_);
    return in_use_;
}

void LatestFrameStore::set_sources(std::vector<std::string> sources) {
    std::lock_guard lock(write_mutex_);
    std::error_code ec;
    for (const std::string& old : sources_) {
        if (!safe_source_name(old) || std::ranges::find(sources, old) != sources.end()) continue;
        fs::path file = fs::path(old) / "latest.jpg";
        fs::remove(candidates_[current_] / file, ec);
        // Its folder too, only if it is an empty folder: rmdir leaves a file or a symlink of that
        // name (an operator's) alone, where fs::remove would unlink it.
        ::rmdir((candidates_[current_] / old).c_str());
        written_here_.erase(file);
    }
    std::string old_default = sources_.empty() ? std::string() : sources_.front();
    sources_ = std::move(sources);
    if (!sources_.empty() && sources_.front() != old_default) follow_default(sources_.front());
}

// With write_mutex_ held: latest.jpg in the folder in use becomes `source`'s frame as this store
// wrote it, or leaves until that source's first write; never the old default's picture.
void LatestFrameStore::follow_default(const std::string& source) {
    const fs::path& dir = candidates_[current_];
    fs::path own = fs::path(source) / "latest.jpg";
    if (safe_source_name(source) && written_here_.contains(own)) {
        std::ifstream in(dir / own, std::ios::binary);
        std::vector<uint8_t> jpeg{std::istreambuf_iterator<char>(in), {}};
        if (in && !jpeg.empty() && options_.write_file(dir / "latest.jpg", jpeg)) {
            written_here_.insert("latest.jpg");
            return;
        }
    }
    std::error_code ec;
    fs::remove(dir / "latest.jpg", ec);
    written_here_.erase("latest.jpg");
}

std::string LatestFrameStore::take_change_note() {
    std::lock_guard lock(state_mutex_);
    return std::exchange(change_note_, {});
}

}  // namespace ptzgrab
