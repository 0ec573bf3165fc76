#pragma once
// The steps one snapshot and a series of them share: the request, the rendering, the output file.
#include <span>
#include <string>

#include "core/error.hpp"
#include "core/frame.hpp"
#include "core/grab_request.hpp"
#include "snapshot_command.hpp"

namespace ptzgrab::cli {

GrabRequest make_request(const SnapshotOptions& o);
RenderOptions make_render(const SnapshotOptions& o);
/// Fails early, before a grab is spent, when the output folder cannot take a file.
Result<void> check_writable(const std::string& path);
/// The JPEG to `path` atomically (or to stdout for "-"); an exit code.
int write_output(const std::string& path, std::span<const uint8_t> jpeg);
/// The error on stderr (masked), the card too with --on-error image; the exit code for the error.
int report_failure(const SnapshotOptions& o, const GrabRequest& request, const Error& unmasked,
                   const std::string& output);

}  // namespace ptzgrab::cli
