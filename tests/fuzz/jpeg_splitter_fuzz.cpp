// Fuzzes the JPEG splitter (core/jpeg_splitter.hpp) with bytes as a pipe could carry them. Input:
// byte 0 sets the cap (64 + 64 x b0 bytes), byte 1 the read size (1 + b1 bytes), the rest is the
// stream. Oracles: every frame starts FFD8, ends FFD9 and fits the cap; the buffer never exceeds
// the cap; the counters agree with the frames seen; and the same bytes fed in one read give the
// same frames and counters (a split never changes what is cut).
#include <cstdint>
#include <span>
#include <vector>

#include "core/jpeg_splitter.hpp"
#include "fuzz_check.hpp"

namespace {

struct Cut {
    std::vector<std::vector<uint8_t>> frames;
    uint64_t oversized = 0, skipped = 0;
};

Cut split(std::span<const uint8_t> stream, size_t cap, size_t read_bytes) {
    Cut cut;
    ptzgrab::JpegSplitter splitter(cap, [&](std::vector<uint8_t> jpeg) {
        FUZZ_CHECK(jpeg.size() >= 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "a frame that does not start with SOI");
        FUZZ_CHECK(jpeg[jpeg.size() - 2] == 0xFF && jpeg.back() == 0xD9, "a frame that does not end with EOI");
        FUZZ_CHECK(jpeg.size() <= cap, "a frame over the cap");
        cut.frames.push_back(std::move(jpeg));
    });
    for (size_t at = 0; at < stream.size(); at += read_bytes) {
        splitter.feed(stream.subspan(at, std::min(read_bytes, stream.size() - at)));
        FUZZ_CHECK(splitter.buffered_bytes() <= cap, "the buffer grew over the cap");
    }
    FUZZ_CHECK(splitter.frames() == cut.frames.size(), "frames() disagrees with the frames emitted");
    cut.oversized = splitter.oversized();
    cut.skipped = splitter.skipped_bytes();
    size_t accounted = splitter.buffered_bytes() + cut.skipped;
    for (const auto& frame : cut.frames) accounted += frame.size();
    FUZZ_CHECK(accounted <= stream.size(), "more bytes accounted for than were fed");
    return cut;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    size_t cap = 64 + size_t{data[0]} * 64;
    size_t read_bytes = 1 + size_t{data[1]};
    std::span<const uint8_t> stream(data + 2, size - 2);
    Cut in_reads = split(stream, cap, read_bytes);
    Cut at_once = split(stream, cap, stream.size() + 1);
    FUZZ_CHECK(in_reads.frames == at_once.frames, "the frames depend on how the reads were split");
    FUZZ_CHECK(in_reads.oversized == at_once.oversized, "oversized() depends on the reads");
    FUZZ_CHECK(in_reads.skipped == at_once.skipped, "skipped_bytes() depends on the reads");
    return 0;
}
