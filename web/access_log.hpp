#pragma once
// One line per request on stderr: method, path with secrets masked, status, bytes, milliseconds.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace ptzgrab::web {

/// A request target fit for a log line: secret query values (token, key, password ...)
/// become "***", and URLs inside parameters (?url=rtsp://user:pass@...) lose their passwords.
std::string mask_target(std::string_view target);

/// "GET /stream/snapshot?token=*** 200 48213 B 12 ms"
std::string access_log_line(std::string_view method, std::string_view target, unsigned status, size_t bytes,
                            std::chrono::milliseconds elapsed);

/// Where log lines go; the default writes each line to stderr in one call.
using LogSink = std::function<void(std::string_view line)>;
LogSink stderr_log_sink();

}  // namespace ptzgrab::web
