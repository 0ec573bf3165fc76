#include "temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ptzgrab {

Result<TempDir> TempDir::create() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/ptzgrab-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
        return make_error(ErrorKind::io_error, "cannot create a temp directory in " +
                                                   templ.substr(0, templ.rfind('/')),
                          std::strerror(errno));
    }
    return TempDir(templ);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir::~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace ptzgrab
