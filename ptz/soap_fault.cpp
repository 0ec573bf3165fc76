#include "soap_fault.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/url.hpp"
#include "text_format.hpp"

namespace ptzgrab::ptz {
namespace {

constexpr std::size_t max_subcodes = 4;
constexpr std::size_t max_code_chars = 60;

std::string local_part(std::string_view qname) {
    auto colon = qname.rfind(':');
    return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

template <std::size_t N>
bool any_of_names(const SoapFault& fault, const std::array<std::string_view, N>& names) {
    auto known = [&](const std::string& code) { return std::ranges::find(names, code) != names.end(); };
    return known(fault.code) || std::ranges::any_of(fault.subcodes, known);
}

// std::to_array: the sizes follow the lists, so a list cannot hide a duplicate behind its size.
constexpr auto auth_codes = std::to_array<std::string_view>(
    {"NotAuthorized", "FailedAuthentication", "InvalidSecurity", "FailedCheck", "SecurityTokenUnavailable",
     "MessageExpired"});
constexpr auto unsupported_codes = std::to_array<std::string_view>(
    {"ActionNotSupported", "NotSupported", "NoPTZProfile", "NoSuchService", "NoHomePosition", "CannotOverwriteHome",
     "SpaceNotSupported", "RelativeMoveNotSupported", "ActionNotImplemented", "TimeoutNotSupported"});
constexpr auto invalid_codes = std::to_array<std::string_view>(
    {"InvalidArgVal", "InvalidArg", "InvalidArgs", "InvalidPosition", "InvalidTranslation", "InvalidVelocity",
     "InvalidSpeed", "InvalidPresetName", "PresetExist"});
constexpr auto not_found_codes = std::to_array<std::string_view>({"NoEntity", "NoToken", "NoProfile", "NoConfig"});

template <std::size_t N>
constexpr bool all_distinct(const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j)
            if (names[i] == names[j]) return false;
    return true;
}
static_assert(all_distinct(auth_codes) && all_distinct(unsupported_codes) && all_distinct(invalid_codes) &&
              all_distinct(not_found_codes), "a fault code is listed twice");

// A refused signature whose reason points at its time: our clock and the camera's disagree.
bool mentions_time(const SoapFault& fault) {
    std::string text = lower(fault.reason);
    for (const auto& code : fault.subcodes) text += " " + lower(code);
    for (std::string_view word : {"time", "created", "clock", "expired", "skew", "stale"})
        if (text.find(word) != std::string::npos) return true;
    return false;
}

XmlNode fault_element(const XmlDocument& document) {
    XmlNode root = document.root();
    for (std::string_view uri : {ns::soap12, ns::soap11})
        if (XmlNode body = root.child(uri, "Body")) return body.child(uri, "Fault");
    return {};
}

}  // namespace

std::string one_line(std::string_view text, std::size_t max_chars) {
    std::string out;
    for (unsigned char c : text) {
        bool space = std::isspace(c) != 0;
        if (space && (out.empty() || out.back() == ' ')) continue;
        if (!space && c < 0x20) continue;
        out += space ? ' ' : static_cast<char>(c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.size() > max_chars) out = out.substr(0, max_chars) + "...";
    return out;
}

std::optional<SoapFault> read_fault(const XmlDocument& document, std::string_view secret) {
    XmlNode fault = fault_element(document);
    if (!fault) return std::nullopt;
    SoapFault out;
    if (XmlNode code = fault.child(ns::soap12, "Code")) {  // SOAP 1.2
        out.code = local_part(code.child(ns::soap12, "Value").text());
        for (XmlNode sub = code.child(ns::soap12, "Subcode"); sub && out.subcodes.size() < max_subcodes;
             sub = sub.child(ns::soap12, "Subcode"))
            out.subcodes.push_back(local_part(sub.child(ns::soap12, "Value").text()));
        XmlNode reason = fault.child(ns::soap12, "Reason");
        out.reason = reason.child(ns::soap12, "Text").text();
        if (out.reason.empty()) out.reason = reason.text();
    } else {  // SOAP 1.1: unqualified faultcode / faultstring
        out.code = local_part(fault.child(ns::any, "faultcode").text());
        out.reason = fault.child(ns::any, "faultstring").text();
        if (XmlNode detail = fault.child(ns::any, "detail"); detail && detail.text().size() < 100)
            if (auto sub = local_part(detail.text()); !sub.empty()) out.subcodes.push_back(sub);
    }
    mask_secret(out.code, secret);
    for (auto& sub : out.subcodes) mask_secret(sub, secret);
    mask_secret(out.reason, secret);
    out.code = one_line(out.code, max_code_chars);
    for (auto& sub : out.subcodes) sub = one_line(sub, max_code_chars);
    out.reason = one_line(out.reason);
    return out;
}

Error classify_fault(const SoapFault& fault, int http_status, std::string_view operation) {
    ErrorKind kind = ErrorKind::device_error;
    if (any_of_names(fault, auth_codes) || (fault.subcodes.empty() && http_status == 401))
        kind = mentions_time(fault) ? ErrorKind::clock_skew : ErrorKind::not_authorized;
    else if (any_of_names(fault, not_found_codes)) kind = ErrorKind::not_found;
    else if (any_of_names(fault, unsupported_codes)) kind = ErrorKind::unsupported;
    else if (any_of_names(fault, invalid_codes)) kind = ErrorKind::invalid_input;
    std::string code = fault.code;
    for (const auto& sub : fault.subcodes) code += "/" + sub;
    std::string reason = fault.reason.empty() ? "no reason given" : fault.reason;
    return Error{kind, one_line(format_text("{}: the camera refused ({}, HTTP {}): {}", operation, code, http_status,
                                            reason)),
                 {}};
}

Result<ParsedReply> read_reply(const SoapReply& reply, std::string_view operation, std::string_view secret) {
    auto document = parse_xml(reply.body);
    if (document) {
        if (auto fault = read_fault(*document, secret)) return std::unexpected(classify_fault(*fault, reply.status, operation));
    }
    if (reply.status == 401)
        return make_error(ErrorKind::not_authorized,
                          format_text("{}: the camera refused the credentials (HTTP 401)", operation));
    if (reply.status < 200 || reply.status >= 300)
        return make_error(ErrorKind::device_error, format_text("{}: the camera answered HTTP {}", operation, reply.status));
    if (!document)
        return make_error(ErrorKind::device_error,
                          format_text("{}: the camera's reply is not SOAP ({})", operation, document.error().message));
    XmlNode root = document->root();
    for (std::string_view uri : {ns::soap12, ns::soap11}) {
        if (root.local_name() != "Envelope" || root.namespace_uri() != uri) continue;
        XmlNode body = root.child(uri, "Body");
        if (!body) break;
        return ParsedReply{std::move(*document), body};
    }
    return make_error(ErrorKind::device_error, format_text("{}: the camera's reply is not a SOAP envelope", operation));
}

}  // namespace ptzgrab::ptz
