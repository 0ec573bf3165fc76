#pragma once
// Name resolution bounded by a call's deadline. getaddrinfo cannot be cancelled, and asio's
// async_resolve runs it on a thread that the io_context destructor joins, so a slow DNS server would
// hold a call (and server shutdown) past its deadline. Here a literal IP skips the resolver, and a
// host name is looked up on a detached helper thread that the caller stops waiting for at the
// deadline; the helper only touches state it shares by shared_ptr, and ends when getaddrinfo returns.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "core/error.hpp"

namespace ptzgrab::ptz {

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;
/// A blocking lookup (the system's getaddrinfo by default); a seam for tests of a slow DNS server.
using HostLookup = std::function<Result<Endpoints>(const std::string& host, const std::string& port)>;

Result<Endpoints> system_lookup(const std::string& host, const std::string& port);

/// `host` without brackets. timeout at the deadline; source_unreachable when the name does not resolve.
Result<Endpoints> resolve_host(const std::string& host, const std::string& port,
                               std::chrono::steady_clock::time_point deadline, const HostLookup& lookup = system_lookup);

}  // namespace ptzgrab::ptz
