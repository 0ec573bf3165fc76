#include "assets_location.hpp"

#include <system_error>

// Both are set by cmd/CMakeLists.txt: the first from the install layout (bin -> share), the second
// from where the sources were when this was built (for `make run` and the tests, never installed).
#ifndef PTZGRAB_ASSETS_FROM_BINDIR
#define PTZGRAB_ASSETS_FROM_BINDIR "../share/ptzgrab/assets"
#endif
#ifndef PTZGRAB_SOURCE_ASSETS_DIR
#define PTZGRAB_SOURCE_ASSETS_DIR "assets"
#endif

namespace ptzgrab::cli {
namespace {

namespace fs = std::filesystem;

// A folder counts only when it holds the page's script: an empty or unrelated share/ptzgrab is skipped.
bool holds_page_assets(const fs::path& folder) {
    std::error_code error;
    return fs::is_regular_file(folder / "view.js", error);
}

fs::path program_folder() {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    return error ? fs::path{} : self.parent_path();
}

}  // namespace

fs::path default_assets_dir() {
    if (fs::path bin = program_folder(); !bin.empty()) {
        fs::path installed = (bin / PTZGRAB_ASSETS_FROM_BINDIR).lexically_normal();
        if (holds_page_assets(installed)) return installed;
    }
    if (holds_page_assets(PTZGRAB_SOURCE_ASSETS_DIR)) return PTZGRAB_SOURCE_ASSETS_DIR;
    return {};
}

std::string default_assets_help() {
    return "the program's folder/" PTZGRAB_ASSETS_FROM_BINDIR " as installed, else the source tree's assets/";
}

}  // namespace ptzgrab::cli
