#pragma once
// Who may reach `serve`: the token (from --token-file, --token or $PTZGRAB_TOKEN) and the
// Host names it answers to (--allow-host, and its own name when bound beyond loopback).
#include <string>
#include <vector>

#include "core/error.hpp"
#include "web/request_guard.hpp"

namespace ptzgrab::cli {

/// The token in `path`, without a trailing line end. invalid_input when the file cannot
/// be read, is empty, or holds a blank or a control character (it would not survive a header).
Result<std::string> read_token_file(const std::string& path);

/// --allow-host names (lower case, "*" for any), plus this machine's host name (and NAME.local)
/// when `bind` is not a loopback address: the names a LAN browser uses to reach it.
web::HostPolicy host_policy(const std::string& bind, const std::vector<std::string>& allow_hosts);

}  // namespace ptzgrab::cli
