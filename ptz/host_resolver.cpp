#include "host_resolver.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "text_format.hpp"

namespace ptzgrab::ptz {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Shared by the caller and the helper thread; whichever leaves last frees it.
struct PendingLookup {
    std::mutex mutex;
    std::condition_variable done;
    // mutex protects the following state.
    std::optional<Result<Endpoints>> result;
};

}  // namespace

Result<Endpoints> system_lookup(const std::string& host, const std::string& port) {
    try {
        asio::io_context io;  // a synchronous resolve calls getaddrinfo on this thread; no thread of asio's
        tcp::resolver resolver(io);
        boost::system::error_code error;
        auto results = resolver.resolve(host, port, error);
        if (error) return make_error(ErrorKind::source_unreachable, format_text("cannot resolve {}: {}", host, error.message()));
        Endpoints out;
        for (const auto& entry : results) out.push_back(entry.endpoint());
        if (out.empty()) return make_error(ErrorKind::source_unreachable, format_text("cannot resolve {}", host));
        return out;
    } catch (const std::exception& e) {
        return make_error(ErrorKind::source_unreachable, format_text("cannot resolve {}: {}", host, e.what()));
    }
}

Result<Endpoints> resolve_host(const std::string& host, const std::string& port,
                               std::chrono::steady_clock::time_point deadline, const HostLookup& lookup) {
    boost::system::error_code not_literal;
    auto address = asio::ip::make_address(host, not_literal);
    if (!not_literal) return Endpoints{tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port)))};

    auto pending = std::make_shared<PendingLookup>();
    std::thread([pending, lookup, host, port] {
        Result<Endpoints> result = make_error(ErrorKind::source_unreachable, format_text("cannot resolve {}", host));
        try {
            result = lookup(host, port);
        } catch (...) {  // nothing leaves this thread
        }
        std::lock_guard lock(pending->mutex);
        pending->result = std::move(result);
        pending->done.notify_all();
    }).detach();
    std::unique_lock lock(pending->mutex);
    if (!pending->done.wait_until(lock, deadline, [&] { return pending->result.has_value(); }))
        return make_error(ErrorKind::timeout, format_text("{} did not resolve before the deadline", host));
    return std::move(*pending->result);
}

}  // namespace ptzgrab::ptz
