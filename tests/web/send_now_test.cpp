// The zero-copy path of answers from memory: a frame's JPEG in an unnamed file on a disk or in a
// sealed memfd, sent with its head on a real loopback TCP connection as far as the socket takes it,
// never blocking.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/fixtures.hpp"
#include "support/full_disk.hpp"
#include "web/body_file.hpp"
#include "web/send_now.hpp"

using namespace ptzgrab::web;
using ptzgrab::testing::FullDisk;
using ptzgrab::testing::ScratchDir;

namespace {

// A connected loopback pair: `sender` non-blocking, `receiver` with the receive buffer asked for.
struct LoopbackPair {
    int sender = -1, receiver = -1;
    explicit LoopbackPair(int receive_buffer = 0) {
        int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener, 1) == 0);
        REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        receiver = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receive_buffer > 0) ::setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        REQUIRE(::connect(receiver, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        sender = ::accept(listener, nullptr, nullptr);
        ::close(listener);
        REQUIRE(sender >= 0);
        ::fcntl(sender, F_SETFL, ::fcntl(sender, F_GETFL) | O_NONBLOCK);
    }
    ~LoopbackPair() {
        ::close(sender);
        ::close(receiver);
    }
    // Reads `count` bytes, 10 s at most.
    std::string receive(size_t count) const {
        std::string out;
        char chunk[65536];
        while (out.size() < count) {
            pollfd readable{receiver, POLLIN, 0};
            if (::poll(&readable, 1, 10'000) <= 0) break;
            ssize_t n = ::recv(receiver, chunk, std::min(sizeof chunk, count - out.size()), 0);
            if (n <= 0) break;
            out.append(chunk, static_cast<size_t>(n));
        }
        return out;
    }
};

// Where the descriptor's file is, as the kernel names it ("/dir/#123 (deleted)" for an unnamed file).
std::string file_of(int fd) {
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
}

std::vector<unsigned char> read_back(int fd, size_t size) {
    std::vector<unsigned char> back(size);
    REQUIRE(::pread(fd, back.data(), back.size(), 0) == static_cast<ssize_t>(back.size()));
    return back;
}

std::vector<unsigned char> pattern(size_t size) {
    std::vector<unsigned char> bytes(size);
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<unsigned char>((i * 31 + i / 7) & 0xff);
    return bytes;
}

}  // namespace

TEST_CASE("body file: the bytes in a sealed memfd; none for no bytes") {
    auto bytes = pattern(76'000);
    auto file = BodyFile::holding(bytes);
    REQUIRE(file);
    CHECK(file->size() == bytes.size());
    int seals = ::fcntl(file->fd(), F_GET_SEALS);
    CHECK((seals & F_SEAL_WRITE) != 0);
    CHECK((seals & F_SEAL_SHRINK) != 0);
    CHECK(file_of(file->fd()).starts_with("/memfd:"));
    CHECK(read_back(file->fd(), bytes.size()) == bytes);
    CHECK(::write(file->fd(), "x", 1) == -1);  // sealed: nobody changes pages a socket still sends
    CHECK_FALSE(BodyFile::holding({}));
}

TEST_CASE("body file in a folder: an unnamed, read-only file there, which leaves no name behind") {
    auto bytes = pattern(76'000);
    ScratchDir folder;
    {
        auto file = BodyFile::holding(bytes, folder.path());
        REQUIRE(file);
        CHECK(file->size() == bytes.size());
        CHECK(file_of(file->fd()).starts_with((folder.path() / "#").string()));
        CHECK(file_of(file->fd()).ends_with("(deleted)"));
        CHECK(folder.empty());  // nothing anyone could find, or that a crash could leave
        CHECK((::fcntl(file->fd(), F_GETFL) & O_ACCMODE) == O_RDONLY);
        struct stat status{};
        REQUIRE(::fstat(file->fd(), &status) == 0);
        CHECK((status.st_mode & 07777) == 0400);  // nobody but root opens it for writing through /proc
        CHECK(read_back(file->fd(), bytes.size()) == bytes);
        CHECK(::write(file->fd(), "x", 1) == -1);
    }
    CHECK(folder.empty());
}

TEST_CASE("body file in a folder that cannot hold it, or on a tmpfs: a sealed memfd instead") {
    auto bytes = pattern(76'000);
    ScratchDir scratch;
    auto missing = BodyFile::holding(bytes, scratch / "no-such-folder");
    REQUIRE(missing);
    CHECK(file_of(missing->fd()).starts_with("/memfd:"));
    CHECK(read_back(missing->fd(), bytes.size()) == bytes);

    FullDisk tmpfs(1024 * 1024);  // a tmpfs with room: an unnamed file there would be shmem, unsealed
    REQUIRE(tmpfs.mounted());
    auto on_tmpfs = BodyFile::holding(bytes, tmpfs.path());
    REQUIRE(on_tmpfs);
    CHECK(file_of(on_tmpfs->fd()).starts_with("/memfd:"));
    CHECK((::fcntl(on_tmpfs->fd(), F_GET_SEALS) & F_SEAL_WRITE) != 0);
    CHECK(read_back(on_tmpfs->fd(), bytes.size()) == bytes);
}

TEST_CASE("body file: at most 64 alive at once, so slow clients cannot spend every descriptor on them") {
    auto bytes = pattern(1000);
    std::vector<std::shared_ptr<const BodyFile>> alive;
    for (int i = 0; i < 64; ++i) alive.push_back(BodyFile::holding(bytes));
    for (const auto& file : alive) REQUIRE(file);
    CHECK_FALSE(BodyFile::holding(bytes));
    alive.pop_back();  // closed with its last holder
    CHECK(BodyFile::holding(bytes));
}

TEST_CASE("send_now: head and body arrive whole and in order when the socket has room, from either kind of file") {
    LoopbackPair pair;
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 76000\r\n\r\n";
    auto bytes = pattern(76'000);
    ScratchDir folder;
    for (const std::filesystem::path& directory : {std::filesystem::path{}, folder.path()}) {
        CAPTURE(directory);
        auto file = BodyFile::holding(bytes, directory);
        REQUIRE(file);
        CHECK(file_of(file->fd()).starts_with(directory.empty() ? "/memfd:" : directory.string()));
        CHECK(send_now(pair.sender, head, *file) == head.size() + bytes.size());
        CHECK(pair.receive(head.size() + bytes.size()) == head + std::string(bytes.begin(), bytes.end()));
    }
}

TEST_CASE("send_now: a socket that fills returns at once with what it took, and the count is what arrived") {
    LoopbackPair pair(4096);  // a reader that has not read yet, with a small window
    std::string head = "HTTP/1.1 200 OK\r\n\r\n";
    auto bytes = pattern(16 * 1024 * 1024);  // far past what a loopback socket buffers
    auto file = BodyFile::holding(bytes);
    REQUIRE(file);
    size_t sent = send_now(pair.sender, head, *file);  // non-blocking: returns without a reader
    CHECK(sent > head.size());
    CHECK(sent < head.size() + bytes.size());
    std::string expected = head + std::string(bytes.begin(), bytes.end());
    CHECK(pair.receive(sent) == expected.substr(0, sent));
    pollfd readable{pair.receiver, POLLIN, 0};
    CHECK(::poll(&readable, 1, 100) == 0);  // nothing past what send_now counted
}
