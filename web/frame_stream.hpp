#pragma once
// /stream/mjpeg: what the route hands the connection, and the connection's loop that writes the
// newest frame whenever the viewer can take one (µStreamer semantics: one write in flight, frames
// that come meanwhile are skipped, never queued).
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "core/frame_cache.hpp"
#include "http_types.hpp"
#include "viewers.hpp"

namespace ptzgrab::web {

/// The multipart boundary of every MJPEG answer.
inline constexpr std::string_view mjpeg_boundary = "ptzgrab-mjpeg-boundary";

/// One viewer, as admitted by the route: its place under the caps (which also holds the cache's
/// watch lease, keeping an on_demand source awake) and what to send.
struct FrameStream {
    FrameCache& cache;
    std::shared_ptr<const SourceConfig> source;  // as admitted: a reload that changes it ends the stream
    std::optional<double> fps;  // ?fps=: at most this many frames a second; none: every frame that comes
    std::shared_ptr<ViewerTicket> ticket;
};

/// The MJPEG answer's head: multipart/x-mixed-replace, no-store, no Content-Length.
Response mjpeg_head();

/// One part: boundary, Content-Type, Content-Length, X-Timestamp (Unix seconds, as µStreamer sends),
/// X-Frame-Grabbed-At and X-Frame-Sequence, a blank line; the JPEG and a CRLF follow it.
std::string mjpeg_part_header(const Snapshot& frame);

/// Runs on the connection's io thread: writes `head`, then frames until the viewer leaves (noticed by
/// a read kept outstanding, also while no frame comes), stalls past
/// `write_timeout`, the source is gone or the server stops. The caller closes the connection after.
boost::asio::awaitable<void> write_frame_stream(boost::beast::tcp_stream& stream, Response head, FrameStream& frames,
                                                std::chrono::milliseconds write_timeout);

}  // namespace ptzgrab::web
