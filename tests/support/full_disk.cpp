#include "full_disk.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace ptzgrab::testing {

FullDisk::FullDisk(std::size_t size_bytes) {
    std::string templ = (std::filesystem::temp_directory_path() / "ptzgrab-fulldisk-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) return;
    path_ = templ;
    std::string options = "size=" + std::to_string(size_bytes) + ",mode=0700";
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
}

FullDisk::~FullDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

void FullDisk::fill() {
    std::ofstream filler(path_ / ".filler", std::ios::binary | std::ios::app);
    std::vector<char> block(4096, 'x');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
    }
    // The last partial block: byte by byte until the kernel says no.
    filler.clear();
    while (filler.put('x') && filler.flush()) {
    }
}

void FullDisk::make_room() {
    std::error_code ec;
    std::filesystem::remove(path_ / ".filler", ec);
}

}  // namespace ptzgrab::testing
