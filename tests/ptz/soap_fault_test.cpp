#include <doctest/doctest.h>

#include "camera_replies.hpp"
#include "ptz/soap_fault.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;
using namespace ptzgrab::ptz::testing;

namespace {

struct FaultCase {
    int status;
    std::string code, subcode, reason;
    ErrorKind kind;
};

}  // namespace

TEST_CASE("soap fault: each camera fault maps to its error kind, with any HTTP status") {
    const FaultCase cases[] = {
        {400, "Sender", "ter:NotAuthorized", "Sender not Authorized", ErrorKind::not_authorized},
        {401, "Sender", "ter:NotAuthorized", "The action requested requires authorization and the sender is not authorized", ErrorKind::not_authorized},
        {500, "Sender", "wsse:FailedAuthentication", "An error was discovered processing the wsse:Security header", ErrorKind::not_authorized},
        {400, "Sender", "ter:NotAuthorized", "Created time out of range: clock skew", ErrorKind::clock_skew},
        {401, "Sender", "wsse:FailedAuthentication", "The message has expired (wsu:Created too old)", ErrorKind::clock_skew},
        {500, "Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented", ErrorKind::unsupported},
        {400, "Sender", "ter:NoPTZProfile", "The requested profile token does not reference a PTZ configuration", ErrorKind::unsupported},
        {500, "Sender", "ter:InvalidArgVal", "The requested position is out of bounds", ErrorKind::invalid_input},
        {400, "Sender", "ter:InvalidArgs", "Bad arguments", ErrorKind::invalid_input},
        {400, "Sender", "ter:NoEntity", "No such PTZ preset", ErrorKind::not_found},
        {500, "Sender", "ter:NoToken", "The requested preset token does not exist", ErrorKind::not_found},
        {500, "Receiver", "ter:Action", "Internal error", ErrorKind::device_error},
    };
    for (const auto& c : cases) {
        CAPTURE(c.subcode);
        CAPTURE(c.reason);
        SoapReply reply{c.status, "application/soap+xml", "", fault12(c.code, c.subcode, c.reason)};
        auto result = read_reply(reply, "GotoPreset");
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == c.kind);
        CHECK(result.error().message.find('\n') == std::string::npos);
        CHECK(result.error().message.starts_with("GotoPreset: "));
        CHECK(result.error().message.find(c.subcode.substr(c.subcode.find(':') + 1)) != std::string::npos);
    }
}

TEST_CASE("soap fault: the reason's text is in the message, on one line") {
    SoapReply reply{400, "", "", fault12("Sender", "ter:InvalidArgVal", "The requested\n   translation\tis out of bounds")};
    auto result = read_reply(reply, "RelativeMove");
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "RelativeMove: the camera refused (Sender/InvalidArgVal, HTTP 400): The requested translation is out of bounds");
}

TEST_CASE("soap fault: a SOAP 1.1 fault is read too") {
    std::string body = R"(<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Sender not authorized</faultstring><detail>ter:NotAuthorized</detail></soap:Fault></soap:Body></soap:Envelope>)";
    auto result = read_reply(SoapReply{500, "text/xml", "", body}, "GetStatus");
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::not_authorized);
    CHECK(result.error().message.find("Sender not authorized") != std::string::npos);
}

TEST_CASE("soap fault: an HTML or empty 401 is not_authorized; other non-SOAP answers are device errors") {
    auto html = read_reply(SoapReply{401, "text/html", hikvision_challenge, html_401}, "GetStatus");
    REQUIRE_FALSE(html);
    CHECK(html.error().kind == ErrorKind::not_authorized);
    auto empty = read_reply(SoapReply{401, "", "", ""}, "GetStatus");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().kind == ErrorKind::not_authorized);
    auto teapot = read_reply(SoapReply{503, "text/html", "", html_401}, "GetStatus");
    REQUIRE_FALSE(teapot);
    CHECK(teapot.error().kind == ErrorKind::device_error);
    CHECK(teapot.error().message.find("503") != std::string::npos);
    auto garbage = read_reply(SoapReply{200, "text/plain", "", "OK"}, "GetStatus");
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().kind == ErrorKind::device_error);
}

TEST_CASE("soap fault: a 200 envelope gives its body whatever its prefix") {
    auto result = read_reply(SoapReply{200, "", "", empty_response("StopResponse")}, "Stop");
    REQUIRE(result);
    CHECK(result->body.local_name() == "Body");
    auto dahua_reply = read_reply(SoapReply{200, "", "", presets_reply}, "GetPresets");
    REQUIRE(dahua_reply);
    CHECK(dahua_reply->body.find(ns::ptz, "GetPresetsResponse"));
}
