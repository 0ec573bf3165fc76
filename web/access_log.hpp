#pragma once
// One line per request on stderr: method, path with secrets masked, status, bytes, milliseconds.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace ptzgrab::web {

/// A request target fit for a log line: secret values (token, key, password ...) of the query
/// and of "key=value" pieces of the path become "***", URLs anywhere (?url=rtsp://user:pass@...)
/// go through core's masker, and the server's `token` shows in no spelling.
std::string mask_target(std::string_view target, std::string_view token = {});

/// mask_target without its shortcut for a target that holds nothing to mask (no '=', '%', '+',
/// "://" or token), which most are; a test checks the shortcut against it.
std::string mask_target_in_full(std::string_view target, std::string_view token = {});

/// "GET /stream/snapshot?token=*** 200 48213 B 12 ms"
std::string access_log_line(std::string_view method, std::string_view target, unsigned status, size_t bytes,
                            std::chrono::milliseconds elapsed, std::string_view token = {});

/// Where log lines go; the default writes each line to stderr in one write(2), without a lock.
using LogSink = std::function<void(std::string_view line)>;
LogSink stderr_log_sink();

}  // namespace ptzgrab::web
