#pragma once
// One camera's authenticated SOAP calls: WS-Security signed with the camera's clock offset, HTTP
// Digest once the camera challenges for it, and errors with the password kept out of them.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/frame_cache.hpp"  // OnvifSettings
#include "http_digest.hpp"
#include "ptz_client.hpp"
#include "soap_fault.hpp"
#include "soap_transport.hpp"

namespace ptzgrab::ptz {

class SoapSession {
public:
    SoapSession(OnvifSettings camera, std::shared_ptr<SoapTransport> transport, ClientOptions options);

    /// `signed_call`: add WS-Security (false for GetSystemDateAndTime). A 401 with a Digest challenge
    /// is answered, and Digest is kept for later calls; WS-Security is dropped if the camera refuses
    /// it while Digest passes. Errors start with `operation`. Never throws: an exception inside
    /// (bad_alloc, the random source failing, a transport's) is a device_error.
    Result<ParsedReply> call(const std::string& url, std::string_view service_ns, std::string_view operation,
                             std::string_view body, bool signed_call = true);

    void set_clock_offset(std::chrono::seconds offset) { clock_offset_ = offset; }
    std::chrono::seconds clock_offset() const { return clock_offset_; }
    bool uses_digest() const { return challenge_.has_value(); }
    bool uses_ws_security() const { return ws_security_; }
    const ClientOptions& options() const { return options_; }

private:
    Result<ParsedReply> call_or_throw(const std::string& url, std::string_view service_ns, std::string_view operation,
                                      std::string_view body, bool signed_call);
    SoapRequest build(const std::string& url, std::string_view service_ns, std::string_view operation,
                      std::string_view body, bool with_ws_security);
    Error scrubbed(Error error) const;

    OnvifSettings camera_;
    std::shared_ptr<SoapTransport> transport_;
    ClientOptions options_;
    std::chrono::seconds clock_offset_{0};
    bool ws_security_ = true;
    std::optional<DigestChallenge> challenge_;
    unsigned nonce_count_ = 0;
};

}  // namespace ptzgrab::ptz
