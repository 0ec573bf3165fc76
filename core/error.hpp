#pragma once
// Errors a caller must handle cross module boundaries as values, never as exceptions.
#include <expected>
#include <string>
#include <string_view>

namespace ptzgrab {

enum class ErrorKind {
    ffmpeg_missing,      // no usable ffmpeg binary
    timeout,             // the grab did not finish inside its deadline
    source_unreachable,  // connection refused, DNS failure, 401/404 from the camera
    no_frame,            // ffmpeg ran but produced no picture
    bad_image,           // the file ffmpeg wrote is not a sane image
    io_error,            // local file system trouble (temp dir, output path)
    invalid_input,       // a bad argument or URL, caught before any work
    cancelled,           // the caller gave up (server shutdown)
    // A camera's control API (ONVIF PTZ):
    not_authorized,      // the camera refused the credentials
    clock_skew,          // the camera refused the request's timestamp (its clock and ours disagree)
    unsupported,         // the camera cannot do this (no PTZ, no such move space, no home)
    not_found,           // no such preset or profile on the camera
    device_error,        // the camera answered with a fault it gives no better reason for
    busy,                // too much work is already waiting for this camera; try again shortly
};

/// Short stable name used in JSON, metrics and logs ("timeout", "no_frame", ...).
std::string_view to_string(ErrorKind kind);

struct Error {
    ErrorKind kind;
    std::string message;  // one human line, URLs already masked
    std::string detail;   // optional: ffmpeg's last stderr line, errno text, ...
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> make_error(ErrorKind kind, std::string message,
                                         std::string detail = {}) {
    return std::unexpected(Error{kind, std::move(message), std::move(detail)});
}

}  // namespace ptzgrab
