// Fuzzes the request-target parser and percent-decoding (web/query.hpp) with bytes from the network.
// Oracles: decoding never grows the text; text without escapes decodes to itself; every byte string
// survives encode-then-decode; a target splits at its first '?' and parses when it holds no '%'.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "web/query.hpp"

namespace {

std::string encode_every_byte(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) out += {'%', hex[c >> 4], hex[c & 15]};
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace ptzgrab::web;
    std::string_view text(reinterpret_cast<const char*>(data), size);

    for (bool plus_is_space : {false, true}) {
        auto decoded = percent_decode(text, plus_is_space);
        if (decoded) FUZZ_CHECK(decoded->size() <= text.size(), "decoding grew the text");
        if (text.find('%') == std::string_view::npos) {
            FUZZ_CHECK(decoded.has_value(), "text without '%' was refused");
            if (!plus_is_space) FUZZ_CHECK(*decoded == text, "text without '%' changed");
        }
    }
    auto round_trip = percent_decode(encode_every_byte(text), true);
    FUZZ_CHECK(round_trip && *round_trip == text, "encode-then-decode changed the bytes");

    auto target = parse_target(text);
    if (text.find('%') == std::string_view::npos) FUZZ_CHECK(target.has_value(), "a target without '%' was refused");
    if (target) {
        FUZZ_CHECK(target->path == text.substr(0, text.find('?')), "the path is not the text before '?'");
        for (const auto& [key, value] : target->params) FUZZ_CHECK(target->find(key) != nullptr, "a parsed key is not found");
    }
    return 0;
}
