#include "hashes.hpp"

#include <array>
#include <random>

#include <boost/uuid/detail/md5.hpp>
#include <boost/uuid/detail/sha1.hpp>

namespace ptzgrab::ptz {
namespace {

constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Boost's hashers hand out 32-bit words whose big-endian bytes are the digest (MD5 included, since 1.71).
template <class Words>
std::string word_bytes(const Words& words) {
    std::string out;
    for (unsigned word : words)
        for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((word >> shift) & 0xff);
    return out;
}

int base64_value(char c) {
    auto at = base64_alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string sha1_bytes(std::string_view data) {
    boost::uuids::detail::sha1 hasher;
    hasher.process_bytes(data.data(), data.size());
    boost::uuids::detail::sha1::digest_type digest;
    hasher.get_digest(digest);
    return word_bytes(digest);
}

std::string md5_hex(std::string_view data) {
    boost::uuids::detail::md5 hasher;
    hasher.process_bytes(data.data(), data.size());
    boost::uuids::detail::md5::digest_type digest;
    hasher.get_digest(digest);
    return to_hex(word_bytes(digest));
}

std::string to_hex(std::string_view bytes) {
    constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out += base64_alphabet[(v >> shift) & 63];
    }
    std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += base64_alphabet[(v >> 18) & 63];
        out += base64_alphabet[(v >> 12) & 63];
        out += rest == 2 ? base64_alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : text) {
        int v = base64_value(c);
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
    if (count >= 6) return std::nullopt;  // a lone trailing character
    return out;
}

std::string random_bytes(std::size_t count) {
    std::random_device device;
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += static_cast<char>(device() & 0xff);
    return out;
}

}  // namespace ptzgrab::ptz
