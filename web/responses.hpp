#pragma once
// Building responses: content types, one-line error texts, JSON, and the final touches
// every response gets (HTTP version, keep-alive, Content-Length, no body for HEAD).
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/frame_cache.hpp"
#include "http_types.hpp"

namespace ptzgrab::web {

/// Every answer is built here, so every answer carries X-Content-Type-Options: nosniff.
Response make_response(http::status status, std::string_view content_type, SharedBody::value_type body);
/// text/plain, the text plus a newline: a one-line reason for 4xx answers.
Response text_response(http::status status, std::string text);
Response json_response(http::status status, const boost::json::value& json);
Response jpeg_response(http::status status, SharedBody::value_type jpeg);

/// The HTTP status for a failed grab: 504 timeout, 503 ffmpeg missing or shutting down, 502 otherwise.
http::status status_for(const Error& error);

/// RFC 3339 in UTC with milliseconds: "2026-11-25T01:38:18.123Z".
std::string rfc3339_utc(std::chrono::system_clock::time_point when);

/// X-Cache: "stale" (an offline source's last frame), "refreshing" (past max age, answered at once
/// while a refresh runs), "live" (from the source's held-open stream), else "hit" or "miss".
std::string_view cache_state(const Snapshot& snapshot);

/// X-Frame-Grabbed-At, X-Frame-Age-Ms, X-Cache, X-Frame-Sequence (live frames), X-Source-Status,
/// X-Grab-Error and Cache-Control for an answer built from `snapshot`. The view page reads these names.
void set_frame_headers(Response& response, const Snapshot& snapshot);
/// The lines that set_frame_headers and jpeg_response give every answer with `snapshot`'s frame (not
/// stale), as wire text cut around X-Frame-Age-Ms and X-Cache, the two that differ per request;
/// nullopt if those two are not found next to each other.
std::optional<FrameLines> frame_lines(const Snapshot& snapshot);
/// The same headers for a diagnostic card (no frame): offline, a miss, and the error's kind.
void set_card_headers(Response& response, const Error& error);

/// Version, keep-alive and Content-Length from the request; HEAD keeps the length and drops the body;
/// a 304 has neither body nor length.
void finish_for(const RequestFacts& request, Response& response);
/// The same for an answer with a PreparedFrame, whose Content-Length is among its lines.
void finish_prepared_for(const RequestFacts& request, Response& response);

}  // namespace ptzgrab::web
