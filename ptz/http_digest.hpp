#pragma once
// HTTP Digest (RFC 7616, MD5, qop=auth): some cameras (Hikvision firmware) accept only this.
#include <optional>
#include <string>
#include <string_view>

namespace ptzgrab::ptz {

struct DigestChallenge {
    std::string realm, nonce, opaque, algorithm;
    bool qop_auth = false;  // the server offered qop="auth" (else the RFC 2069 form)
    bool stale = false;
};

/// A WWW-Authenticate value ("Digest realm=..., nonce=..."); nullopt when it is not a usable Digest
/// challenge (Basic, MD5-sess, SHA-256 only, no nonce). Several challenges (in one value, or header
/// values joined with ", "): the first MD5 Digest one.
std::optional<DigestChallenge> parse_digest_challenge(std::string_view header);

/// The Authorization value answering `challenge` for one request; `nc` counts the uses of its nonce.
std::string digest_authorization(const DigestChallenge& challenge, std::string_view user, std::string_view password,
                                 std::string_view method, std::string_view uri, unsigned nc, std::string_view cnonce);

}  // namespace ptzgrab::ptz
