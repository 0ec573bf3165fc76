#pragma once
// Where `serve` finds the view page's files without --assets-dir: an installed program finds them
// under its own prefix, wherever it was installed; a program run from its build tree, in the source tree.
#include <filesystem>
#include <string>

namespace ptzgrab::cli {

/// PREFIX/share/ptzgrab/assets for the program at PREFIX/bin/ptzgrab, if it holds the page's
/// script; else the source tree's assets/ this program was built from; else empty.
std::filesystem::path default_assets_dir();

/// How --help names that default: relative to the program, never the build machine's paths.
std::string default_assets_help();

}  // namespace ptzgrab::cli
