#include "soap_envelope.hpp"

namespace ptzgrab::ptz {

std::string soap_envelope(std::string_view body, std::string_view header) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
        "xmlns:tt=\"http://www.onvif.org/ver10/schema\" "
        "xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" "
        "xmlns:trt=\"http://www.onvif.org/ver10/media/wsdl\" "
        "xmlns:tptz=\"http://www.onvif.org/ver20/ptz/wsdl\">";
    if (!header.empty()) out.append("<s:Header>").append(header).append("</s:Header>");
    out.append("<s:Body>").append(body).append("</s:Body></s:Envelope>");
    return out;
}

}  // namespace ptzgrab::ptz
