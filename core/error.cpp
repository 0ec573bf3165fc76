#include "error.hpp"

namespace ptzgrab {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::ffmpeg_missing: return "ffmpeg_missing";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::source_unreachable: return "source_unreachable";
    case ErrorKind::no_frame: return "no_frame";
    case ErrorKind::bad_image: return "bad_image";
    case ErrorKind::io_error: return "io_error";
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::not_authorized: return "not_authorized";
    case ErrorKind::clock_skew: return "clock_skew";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::device_error: return "device_error";
    case ErrorKind::busy: return "busy";
    }
    return "unknown";
}

}  // namespace ptzgrab
