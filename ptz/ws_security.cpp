#include "ws_security.hpp"

#include "text_format.hpp"

#include <ctime>

#include "hashes.hpp"

namespace ptzgrab::ptz {

std::string password_digest(std::string_view nonce, std::string_view created, std::string_view password) {
    std::string input;
    input.append(nonce).append(created).append(password);
    return base64_encode(sha1_bytes(input));
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(when));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string security_header(std::string_view user, std::string_view password, std::string_view nonce,
                            std::chrono::system_clock::time_point created) {
    std::string stamp = utc_timestamp(created);
    return format_text(
        "<wsse:Security s:mustUnderstand=\"1\" "
        "xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" "
        "xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\">"
        "<wsse:UsernameToken><wsse:Username>{}</wsse:Username>"
        "<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#"
        "PasswordDigest\">{}</wsse:Password>"
        "<wsse:Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#"
        "Base64Binary\">{}</wsse:Nonce>"
        "<wsu:Created>{}</wsu:Created></wsse:UsernameToken></wsse:Security>",
        xml_escape(user), password_digest(nonce, stamp, password), base64_encode(nonce), stamp);
}

}  // namespace ptzgrab::ptz
