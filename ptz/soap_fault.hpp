#pragma once
// Turns whatever a camera answered (any HTTP status, SOAP 1.1 or 1.2 fault, an HTML page) into
// either the reply's body element or one classified, one-line Error.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "soap_transport.hpp"
#include "xml_reader.hpp"

namespace ptzgrab::ptz {

struct SoapFault {
    std::string code;                   // local part of env:Code/env:Value or faultcode ("Sender")
    std::vector<std::string> subcodes;  // local parts, outermost first ("NotAuthorized")
    std::string reason;                 // env:Reason/env:Text or faultstring, one line
};

/// The fault in a parsed envelope, if there is one; `secret` (the password) is masked in its texts
/// before they are cut to one line, so no part of it survives.
std::optional<SoapFault> read_fault(const XmlDocument& document, std::string_view secret = {});

/// not_authorized / clock_skew / unsupported / invalid_input / not_found / device_error, with a
/// message "OPERATION: the camera refused (...): REASON" on one line.
Error classify_fault(const SoapFault& fault, int http_status, std::string_view operation);

/// A successful reply: the document and its Body element.
struct ParsedReply {
    XmlDocument document;
    XmlNode body;
};

/// Faults are read whatever the HTTP status; a 401 without one is not_authorized; anything else
/// that is not a 2xx SOAP envelope is device_error.
Result<ParsedReply> read_reply(const SoapReply& reply, std::string_view operation, std::string_view secret = {});

/// Whitespace runs become one space, control bytes go, and the text is cut to `max_chars`.
std::string one_line(std::string_view text, std::size_t max_chars = 300);

}  // namespace ptzgrab::ptz
