#include "soap_session.hpp"

#include <exception>
#include <new>

#include "core/url.hpp"
#include "text_format.hpp"

#include "hashes.hpp"
#include "http_url.hpp"
#include "onvif_calls.hpp"
#include "soap_envelope.hpp"
#include "ws_security.hpp"

namespace ptzgrab::ptz {

namespace {
constexpr int max_attempts = 4;  // first try, Digest challenge, stale nonce, WS-Security dropped
constexpr std::size_t nonce_bytes = 16;
}  // namespace

SoapSession::SoapSession(OnvifSettings camera, std::shared_ptr<SoapTransport> transport, ClientOptions options)
    : camera_(std::move(camera)), transport_(std::move(transport)), options_(std::move(options)) {
    if (!options_.now) options_.now = std::chrono::system_clock::now;
}

SoapRequest SoapSession::build(const std::string& url, std::string_view service_ns, std::string_view operation,
                               std::string_view body, bool with_ws_security) {
    SoapRequest request;
    request.url = url;
    request.action = onvif::action(service_ns, operation);
    request.timeout = options_.call_timeout;
    std::string header;
    if (with_ws_security)
        header = security_header(camera_.user, camera_.password, random_bytes(nonce_bytes),
                                 options_.now() + clock_offset_);
    request.envelope = soap_envelope(body, header);
    if (challenge_) {
        auto target = parse_http_url(url);
        request.authorization = digest_authorization(*challenge_, camera_.user, camera_.password, "POST",
                                                     target ? target->target : "/", ++nonce_count_,
                                                     to_hex(random_bytes(8)));
    }
    return request;
}

Result<ParsedReply> SoapSession::call(const std::string& url, std::string_view service_ns, std::string_view operation,
                                      std::string_view body, bool signed_call) {
    // Exceptions stay inside the module: every camera exchange passes here.
    try {
        return call_or_throw(url, service_ns, operation, body, signed_call);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::device_error, format_text("{}: out of memory", operation));
    } catch (const std::exception& e) {
        return std::unexpected(
            scrubbed(Error{ErrorKind::device_error, format_text("{}: internal error: {}", operation, e.what()), {}}));
    } catch (...) {
        return make_error(ErrorKind::device_error, format_text("{}: internal error", operation));
    }
}

Result<ParsedReply> SoapSession::call_or_throw(const std::string& url, std::string_view service_ns,
                                               std::string_view operation, std::string_view body, bool signed_call) {
    bool has_user = !camera_.user.empty();
    bool dropped_ws_security = false;
    Error last{ErrorKind::not_authorized, format_text("{}: the camera refused the credentials", operation), {}};
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        bool with_ws_security = signed_call && has_user && ws_security_;
        auto reply = transport_->post(build(url, service_ns, operation, body, with_ws_security));
        if (!reply) {
            Error error = reply.error();
            error.message = format_text("{}: {}", operation, error.message);
            return std::unexpected(scrubbed(std::move(error)));
        }
        if (reply->status == 401 && has_user) {
            auto challenge = parse_digest_challenge(reply->www_authenticate);
            bool fresh = challenge && (!challenge_ || challenge->stale || challenge->nonce != challenge_->nonce);
            if (fresh) {
                challenge_ = std::move(challenge);
                nonce_count_ = 0;
                continue;
            }
        }
        auto parsed = read_reply(*reply, operation, camera_.password);
        if (parsed) return parsed;
        last = parsed.error();
        bool auth_refused = last.kind == ErrorKind::not_authorized;
        if (auth_refused && challenge_ && with_ws_security && !dropped_ws_security) {
            ws_security_ = false;  // a Digest-only camera that faults on the WS-Security header
            dropped_ws_security = true;
            continue;
        }
        if (dropped_ws_security) ws_security_ = true;  // not the reason: keep signing
        return std::unexpected(scrubbed(std::move(last)));
    }
    return std::unexpected(scrubbed(std::move(last)));
}

Error SoapSession::scrubbed(Error error) const {
    mask_secret(error.message, camera_.password);
    mask_secret(error.detail, camera_.password);
    return error;
}

}  // namespace ptzgrab::ptz
