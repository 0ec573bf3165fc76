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

    /// Forgets a partial picture (a new child starts a new stream). Counters are kept.
    void reset();

    uint64_t frames() const { return frames_; }
    uint64_t oversized() const { return oversized_; }
    uint64_t skipped_bytes() const { return skipped_bytes_; }  // garbage outside any picture
    size_t buffered_bytes() const { return buffer_.size(); }   // never above max_frame_bytes

private:
    // Where the marker walk stands; `scan_` is the next byte of buffer_ to look at.
    enum class State {
        seek_soi,       // outside a picture: looking for FF D8 (buffer_ is empty)
        marker,         // expecting FF xx at scan_
        segment,        // inside a segment of `segment_left_` more bytes
        entropy,        // after SOS: until a marker other than FF00 / RSTn / fill bytes
    };
    enum class Step { progressed, needs_bytes, finished, corrupt };
    void consume(std::span<const uint8_t> bytes);
    void seek_soi(std::span<const uint8_t> bytes, size_t& at);
    void start_picture();
    Step step_picture();
    Step step_marker();
    Step step_entropy();
    void finish_picture();
    void count_skipped(size_t bytes);

    size_t max_frame_bytes_;
    FrameSink sink_;
    std::vector<uint8_t> buffer_;
    size_t scan_ = 0;
    State state_ = State::seek_soi;
    size_t segment_left_ = 0;
    State after_segment_ = State::marker;
    size_t resume_at_ = 0;       // corrupt: the byte of buffer_ where the search for an SOI resumes
    bool seen_scan_ = false;     // an SOS came: an EOI before it ends no picture
    std::vector<uint8_t> replay_;  // bytes a corrupt picture gave back, fed again in order
    bool pending_ff_ = false;    // seek_soi: the last byte fed was FF
    bool discarding_ = false;    // an oversized picture is being skipped until the next SOI
    uint64_t frames_ = 0, oversized_ = 0, skipped_bytes_ = 0;
};

}  // namespace ptzgrab
