#pragma once
// Cuts the JPEG pictures out of a byte stream (ffmpeg's image2pipe on a pipe): a pure function
// over bytes, so split reads, garbage and oversized frames are tested and fuzzed without a process.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace ptzgrab {

class JpegSplitter {
public:
    using FrameSink = std::function<void(std::vector<uint8_t> jpeg)>;

    /// `max_frame_bytes`: a frame longer than this is dropped (counted in oversized()) and the
    /// splitter resynchronises on the next start-of-image marker.
    explicit JpegSplitter(size_t max_frame_bytes, FrameSink sink);

    /// Feeds the next bytes, as they came from the pipe (any split). Calls the sink for each
    /// complete picture (SOI .. EOI, markers walked, so an EOI inside a segment does not cut it).
    void feed(std::span<const uint8_t> bytes);

    uint64_t frames() const { return frames_; }
    uint64_t oversized() const { return oversized_; }
    uint64_t skipped_bytes() const { return skipped_bytes_; }  // garbage outside any picture
    size_t buffered_bytes() const { return buffer_.size(); }   // never above max_frame_bytes + one read

private:
    // Implementation's choice; declared here only so the class has a size.
    size_t max_frame_bytes_;
    FrameSink sink_;
    std::vector<uint8_t> buffer_;
    size_t scan_ = 0;
    int state_ = 0;
    bool discarding_ = false;
    uint64_t frames_ = 0, oversized_ = 0, skipped_bytes_ = 0;
};

}  // namespace ptzgrab
