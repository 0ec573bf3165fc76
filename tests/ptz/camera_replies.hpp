#pragma once
// Replies shaped like real cameras' (Hikvision's SOAP-ENV/tt, Dahua's s/tt, odd prefixes such as
// a:, x:, ns2:), for the ReplayTransport.
#include <string>

namespace ptzgrab::ptz::testing {

// Hikvision-style envelope opening: SOAP-ENV prefix, a pile of namespaces.
inline std::string hik(const std::string& body) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:ter="http://www.onvif.org/ver10/error">
<SOAP-ENV:Body>)" + body + "</SOAP-ENV:Body></SOAP-ENV:Envelope>";
}

// Dahua-style: s: prefix, namespaces declared on each element.
inline std::string dahua(const std::string& body) {
    return R"(<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:sc="http://www.w3.org/2003/05/soap-encoding"><s:Header/><s:Body>)" +
           body + "</s:Body></s:Envelope>";
}

inline std::string date_time_reply(int year, int month, int day, int hour, int minute, int second) {
    auto n = [](int v) { return std::to_string(v); };
    return hik("<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
               "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8:00:00</tt:TZ></tt:TimeZone>"
               "<tt:UTCDateTime><tt:Time><tt:Hour>" + n(hour) + "</tt:Hour><tt:Minute>" + n(minute) +
               "</tt:Minute><tt:Second>" + n(second) + "</tt:Second></tt:Time><tt:Date><tt:Year>" + n(year) +
               "</tt:Year><tt:Month>" + n(month) + "</tt:Month><tt:Day>" + n(day) +
               "</tt:Day></tt:Date></tt:UTCDateTime>"
               "<tt:LocalDateTime><tt:Time><tt:Hour>3</tt:Hour><tt:Minute>0</tt:Minute><tt:Second>0</tt:Second></tt:Time>"
               "<tt:Date><tt:Year>2001</tt:Year><tt:Month>1</tt:Month><tt:Day>1</tt:Day></tt:Date></tt:LocalDateTime>"
               "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>");
}

inline const std::string device_information_reply = hik(
    "<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer>"
    "<tds:Model>DS-2DE4425IW-DE</tds:Model><tds:FirmwareVersion>V5.7.3 build 220112</tds:FirmwareVersion>"
    "<tds:SerialNumber>DS-2DE4425IW-DE20220101AAWRG12345678</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId>"
    "</tds:GetDeviceInformationResponse>");

// Odd prefixes: a: for the device wsdl, x: for nothing in particular.
inline std::string services_reply(const std::string& host) {
    return R"(<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><a:GetServicesResponse xmlns:a="http://www.onvif.org/ver10/device/wsdl">)"
           "<a:Service><a:Namespace>http://www.onvif.org/ver10/device/wsdl</a:Namespace><a:XAddr>http://" + host +
           "/onvif/device_service</a:XAddr><a:Version><x:Major xmlns:x=\"http://www.onvif.org/ver10/schema\">2</x:Major></a:Version></a:Service>"
           "<a:Service><a:Namespace>http://www.onvif.org/ver10/media/wsdl</a:Namespace><a:XAddr>http://" + host +
           "/onvif/Media</a:XAddr></a:Service>"
           "<a:Service><a:Namespace>http://www.onvif.org/ver20/ptz/wsdl</a:Namespace><a:XAddr>http://" + host +
           "/onvif/PTZ</a:XAddr></a:Service></a:GetServicesResponse></env:Body></env:Envelope>";
}

inline const std::string capabilities_reply = hik(
    "<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>http://192.168.1.64/onvif/device_service</tt:XAddr></tt:Device>"
    "<tt:Media><tt:XAddr>http://192.168.1.64/onvif/Media</tt:XAddr></tt:Media>"
    "<tt:PTZ><tt:XAddr>http://192.168.1.64/onvif/PTZ</tt:XAddr></tt:PTZ></tds:Capabilities></tds:GetCapabilitiesResponse>");

inline const std::string profiles_reply = dahua(
    R"(<trt:GetProfilesResponse xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema">)"
    R"(<trt:Profiles fixed="true" token="MediaProfile000"><tt:Name>MainStream</tt:Name>)"
    R"(<tt:VideoSourceConfiguration token="000"><tt:Name>VideoSource</tt:Name><tt:SourceToken>000</tt:SourceToken></tt:VideoSourceConfiguration></trt:Profiles>)"
    R"(<trt:Profiles fixed="true" token="MediaProfile001"><tt:Name>SubStream</tt:Name>)"
    R"(<tt:PTZConfiguration token="PTZToken"><tt:Name>PTZ</tt:Name><tt:NodeToken>PTZNODETOKEN</tt:NodeToken></tt:PTZConfiguration></trt:Profiles>)"
    R"(</trt:GetProfilesResponse>)");

inline std::string configuration_options_reply(bool relative, bool fov) {
    std::string spaces =
        "<tt:AbsolutePanTiltPositionSpace><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace</tt:URI>"
        "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange></tt:AbsolutePanTiltPositionSpace>"
        "<tt:AbsoluteZoomPositionSpace><tt:URI>http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace</tt:URI>"
        "<tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:AbsoluteZoomPositionSpace>";
    if (relative)
        spaces += "<tt:RelativePanTiltTranslationSpace><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationGenericSpace</tt:URI>"
                  "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange></tt:RelativePanTiltTranslationSpace>"
                  "<tt:RelativeZoomTranslationSpace><tt:URI>http://www.onvif.org/ver10/tptz/ZoomSpaces/TranslationGenericSpace</tt:URI>"
                  "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:RelativeZoomTranslationSpace>";
    if (fov)
        spaces += "<tt:RelativePanTiltTranslationSpace><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationSpaceFov</tt:URI>"
                  "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange></tt:RelativePanTiltTranslationSpace>";
    spaces += "<tt:ContinuousPanTiltVelocitySpace><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace</tt:URI>"
              "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange></tt:ContinuousPanTiltVelocitySpace>"
              "<tt:ContinuousZoomVelocitySpace><tt:URI>http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace</tt:URI>"
              "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:ContinuousZoomVelocitySpace>"
              "<tt:PanTiltSpeedSpace><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/GenericSpeedSpace</tt:URI>"
              "<tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:PanTiltSpeedSpace>";
    return hik("<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>" + spaces +
               "</tt:Spaces><tt:PTZTimeout><tt:Min>PT1S</tt:Min><tt:Max>PT5M</tt:Max></tt:PTZTimeout>"
               "</tptz:PTZConfigurationOptions></tptz:GetConfigurationOptionsResponse>");
}

inline const std::string node_reply = hik(
    R"(<tptz:GetNodeResponse><tptz:PTZNode token="PTZNODETOKEN" FixedHomePosition="false"><tt:Name>PTZNODE</tt:Name>)"
    "<tt:MaximumNumberOfPresets>300</tt:MaximumNumberOfPresets><tt:HomeSupported>true</tt:HomeSupported>"
    "</tptz:PTZNode></tptz:GetNodeResponse>");

inline std::string status_reply(double pan, double tilt, double zoom, const std::string& pan_tilt_state,
                                const std::string& zoom_state) {
    std::string move = pan_tilt_state.empty() ? std::string()
                                              : "<tt:MoveStatus><tt:PanTilt>" + pan_tilt_state + "</tt:PanTilt><tt:Zoom>" +
                                                    zoom_state + "</tt:Zoom></tt:MoveStatus>";
    return hik("<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x=\"" + std::to_string(pan) +
               "\" y=\"" + std::to_string(tilt) +
               "\" space=\"http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace\"/><tt:Zoom x=\"" +
               std::to_string(zoom) + "\" space=\"http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace\"/>"
               "</tt:Position>" + move + "<tt:UtcTime>2026-11-27T19:00:00Z</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>");
}

// Presets as a camera with unnamed ones returns them: ns2 prefix, empty or missing Name.
inline const std::string presets_reply = dahua(
    R"(<ns2:GetPresetsResponse xmlns:ns2="http://www.onvif.org/ver20/ptz/wsdl" xmlns:ns3="http://www.onvif.org/ver10/schema">)"
    R"(<ns2:Preset token="1"><ns3:Name></ns3:Name><ns3:PTZPosition><ns3:PanTilt x="0.1" y="0.2"/><ns3:Zoom x="0"/></ns3:PTZPosition></ns2:Preset>)"
    R"(<ns2:Preset token="2"/>)"
    R"(<ns2:Preset token="3"><ns3:Name>Gate</ns3:Name></ns2:Preset>)"
    R"(<ns2:Preset token="4"><ns3:Name>Door</ns3:Name></ns2:Preset>)"
    R"(<ns2:Preset token="5"><ns3:Name>Door</ns3:Name></ns2:Preset>)"
    R"(</ns2:GetPresetsResponse>)");

inline std::string empty_response(const std::string& operation) {
    return hik("<tptz:" + operation + "Response/>");
}

inline std::string fault12(const std::string& code, const std::string& subcode, const std::string& reason) {
    return R"(<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><SOAP-ENV:Body><SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:)" +
           code + "</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>" + subcode +
           "</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">" + reason +
           "</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>";
}

inline const std::string hikvision_challenge =
    R"x(Digest qop="auth", realm="IP Camera(C2515)", nonce="4e5459344e6a49324f5459364e446b304f4463354e44553d", stale="FALSE")x";

inline const std::string html_401 =
    "<!DOCTYPE html>\n<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized</h1></body></html>\n";

}  // namespace ptzgrab::ptz::testing
