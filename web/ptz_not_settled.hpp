#pragma once
// A settle wait that ran out is a timeout, never a frame: the CLI (exit 4, no file) and the web (504)
// refuse it with the same reason, so a script or a cron job never keeps a picture of the camera moving.
#include <chrono>
#include <charconv>
#include <string>

#include "core/error.hpp"
#include "ptz/ptz_types.hpp"

namespace ptzgrab::web {

/// `settled.settled` is false: "the camera did not settle within N s (how it ended)".
inline Error not_settled_error(const ptz::Settled& settled, std::chrono::milliseconds settle_timeout) {
    char seconds[32];
    auto end = std::to_chars(seconds, seconds + sizeof seconds, std::chrono::duration<double>(settle_timeout).count()).ptr;
    return Error{ErrorKind::timeout,
                 "the camera did not settle within " + std::string(seconds, end) + " s (" + settled.how + ")", {}};
}

}  // namespace ptzgrab::web
