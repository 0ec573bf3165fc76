#pragma once
// A SOAP 1.2 envelope around one ONVIF request body, with an optional header (WS-Security).
#include <string>
#include <string_view>

namespace ptzgrab::ptz {

/// `body` and `header` are XML fragments; the envelope declares s (SOAP 1.2), tt, tds, trt and tptz.
std::string soap_envelope(std::string_view body, std::string_view header = {});

}  // namespace ptzgrab::ptz
