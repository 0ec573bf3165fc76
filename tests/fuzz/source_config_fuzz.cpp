// Fuzzes the config loader (core/source_config.hpp) with arbitrary text as the config file.
// Oracles: an error is invalid_input and names the file; every loaded source has a valid name,
// a URL ptzgrab can grab, and limits within the documented ranges.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/frame.hpp"
#include "core/source_config.hpp"
#include "core/url.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace ptzgrab;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string label = "fuzz-sources.yaml";

    auto sources = parse_source_config(text, label);
    if (!sources) {
        FUZZ_CHECK(sources.error().kind == ErrorKind::invalid_input, "a bad config is not invalid_input");
        FUZZ_CHECK(sources.error().message.find(label) != std::string::npos, "the error does not name the file");
        return 0;
    }
    for (const SourceConfig& s : *sources) {
        FUZZ_CHECK(is_valid_source_name(s.name), "a source was loaded with an invalid name");
        FUZZ_CHECK(classify_source(s.grab.url) != SourceKind::unsupported, "a source was loaded with an unsupported URL");
        FUZZ_CHECK(s.max_age.count() >= 0, "negative max_age");
        FUZZ_CHECK(s.grab.timeout.count() > 0, "a non-positive timeout");
        FUZZ_CHECK(s.render.width >= 0 && s.render.width <= max_render_side_px, "width out of range");
        FUZZ_CHECK(s.render.height >= 0 && s.render.height <= max_render_side_px, "height out of range");
        FUZZ_CHECK(s.render.quality >= 1 && s.render.quality <= 100, "quality out of range");
    }
    return 0;
}
