#include "jpeg_splitter.hpp"

#include <algorithm>
#include <cstring>

namespace ptzgrab {
namespace {

constexpr uint8_t marker_prefix = 0xFF;
constexpr uint8_t soi = 0xD8;
constexpr uint8_t eoi = 0xD9;
constexpr uint8_t sos = 0xDA;
constexpr uint8_t tem = 0x01;  // standalone, like RSTn: no length follows

bool is_restart(uint8_t marker) { return marker >= 0xD0 && marker <= 0xD7; }

}  // namespace

JpegSplitter::JpegSplitter(size_t max_frame_bytes, FrameSink sink)
    : max_frame_bytes_(std::max<size_t>(max_frame_bytes, 4)), sink_(std::move(sink)) {}

void JpegSplitter::feed(std::span<const uint8_t> bytes) {
    consume(bytes);
    // A corrupt picture gives its bytes back (a new picture may start inside it); a loop, not
    // recursion, so hostile input cannot grow the stack.
    while (!replay_.empty()) {
        std::vector<uint8_t> again = std::move(replay_);
        replay_.clear();
        consume(again);
    }
}

void JpegSplitter::reset() {
    count_skipped(buffer_.size());
    buffer_.clear();
    buffer_.shrink_to_fit();
    state_ = State::seek_soi;
    pending_ff_ = false;
    discarding_ = false;
}

void JpegSplitter::consume(std::span<const uint8_t> bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
        if (state_ == State::seek_soi) {
            seek_soi(bytes, at);
            continue;
        }
        size_t room = max_frame_bytes_ - buffer_.size();
        if (room == 0) {  // the cap is reached and the picture has not ended: drop it whole
            ++oversized_;
            buffer_.clear();
            state_ = State::seek_soi;
            discarding_ = true;
            continue;
        }
        size_t take = std::min(room, bytes.size() - at);
        buffer_.insert(buffer_.end(), bytes.begin() + at, bytes.begin() + at + take);
        at += take;
        Step step;
        while ((step = step_picture()) == Step::progressed) {
        }
        if (step == Step::finished) {
            // The bytes after the EOI all came from this read: give them back to the loop.
            at -= buffer_.size() - scan_;
            buffer_.resize(scan_);
            finish_picture();
        } else if (step == Step::corrupt) {
            count_skipped(resume_at_);
            replay_.assign(buffer_.begin() + resume_at_, buffer_.end());
            replay_.insert(replay_.end(), bytes.begin() + at, bytes.end());
            buffer_.clear();
            state_ = State::seek_soi;
            return;
        }
    }
}

void JpegSplitter::seek_soi(std::span<const uint8_t> bytes, size_t& at) {
    if (pending_ff_) {  // the last read ended with FF
        pending_ff_ = false;
        if (bytes[at] == soi) {
            ++at;
            start_picture();
            return;
        }
        count_skipped(1);
    }
    size_t from = at;
    while (at < bytes.size()) {
        const void* found = std::memchr(bytes.data() + at, marker_prefix, bytes.size() - at);
        if (found == nullptr) break;
        size_t i = static_cast<const uint8_t*>(found) - bytes.data();
        if (i + 1 == bytes.size()) {
            count_skipped(i - from);
            pending_ff_ = true;
            at = bytes.size();
            return;
        }
        if (bytes[i + 1] == soi) {
            count_skipped(i - from);
            at = i + 2;
            start_picture();
            return;
        }
        at = i + 1;
    }
    count_skipped(bytes.size() - from);
    at = bytes.size();
}

void JpegSplitter::start_picture() {
    discarding_ = false;
    buffer_.assign({marker_prefix, soi});
    scan_ = 2;
    state_ = State::marker;
    seen_scan_ = false;
}

JpegSplitter::Step JpegSplitter::step_picture() {
    switch (state_) {
    case State::segment: {
        size_t n = std::min(segment_left_, buffer_.size() - scan_);
        scan_ += n;
        segment_left_ -= n;
        if (segment_left_ > 0) return Step::needs_bytes;
        state_ = after_segment_;
        return Step::progressed;
    }
    case State::entropy: return step_entropy();
    case State::marker: return step_marker();
    case State::seek_soi: break;
    }
    return Step::needs_bytes;
}

// Entropy-coded data ends at the first marker that is not a stuffed zero (FF00), a restart
// marker (RSTn) or a fill byte.
JpegSplitter::Step JpegSplitter::step_entropy() {
    size_t size = buffer_.size();
    const void* found = std::memchr(buffer_.data() + scan_, marker_prefix, size - scan_);
    if (found == nullptr) {
        scan_ = size;
        return Step::needs_bytes;
    }
    size_t i = static_cast<const uint8_t*>(found) - buffer_.data();
    if (i + 1 == size) {
        scan_ = i;
        return Step::needs_bytes;
    }
    uint8_t next = buffer_[i + 1];
    if (next == 0x00 || is_restart(next)) {
        scan_ = i + 2;
    } else if (next == marker_prefix) {
        scan_ = i + 1;
    } else {
        scan_ = i;
        state_ = State::marker;
    }
    return Step::progressed;
}

JpegSplitter::Step JpegSplitter::step_marker() {
    if (buffer_.size() - scan_ < 2) return Step::needs_bytes;
    if (buffer_[scan_] != marker_prefix) {
        resume_at_ = 1;
        return Step::corrupt;
    }
    uint8_t marker = buffer_[scan_ + 1];
    if (marker == marker_prefix) {  // fill byte before a marker
        ++scan_;
        return Step::progressed;
    }
    if (marker == eoi) {
        scan_ += 2;
        return Step::finished;
    }
    if (marker == soi) {  // a new picture before this one ended: this one is garbage
        resume_at_ = scan_;
        return Step::corrupt;
    }
    if (marker == tem || is_restart(marker)) {
        scan_ += 2;
        return Step::progressed;
    }
    if (marker == 0x00) {
        resume_at_ = 1;
        return Step::corrupt;
    }
    if (buffer_.size() - scan_ < 4) return Step::needs_bytes;
    size_t length = size_t{buffer_[scan_ + 2]} << 8 | buffer_[scan_ + 3];
    if (length < 2) {
        resume_at_ = 1;
        return Step::corrupt;
    }
    scan_ += 4;
    segment_left_ = length - 2;
    state_ = State::segment;
    after_segment_ = marker == sos ? State::entropy : State::marker;
    if (marker == sos) seen_scan_ = true;
    return Step::progressed;
}

void JpegSplitter::finish_picture() {
    state_ = State::seek_soi;
    std::vector<uint8_t> jpeg = std::move(buffer_);
    buffer_ = {};
    if (!seen_scan_) {  // SOI .. EOI with no image data: not a picture
        count_skipped(jpeg.size());
        return;
    }
    ++frames_;
    sink_(std::move(jpeg));
}

void JpegSplitter::count_skipped(size_t bytes) {
    if (!discarding_) skipped_bytes_ += bytes;
}

}  // namespace ptzgrab
