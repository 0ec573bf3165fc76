#include <doctest/doctest.h>

#include "ptz/xml_reader.hpp"

using namespace ptzgrab;
using namespace ptzgrab::ptz;

TEST_CASE("xml: elements are found by namespace URI and local name, whatever their prefix") {
    auto doc = parse_xml(R"(<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope"><a:Body>)"
                         R"(<q:PTZStatus xmlns:q="http://www.onvif.org/ver20/ptz/wsdl"><z:Position xmlns:z="http://www.onvif.org/ver10/schema">)"
                         R"(<z:PanTilt x="0.25" y="-1"/></z:Position></q:PTZStatus></a:Body></a:Envelope>)");
    REQUIRE(doc);
    XmlNode pan_tilt = doc->root().find(ns::schema, "PanTilt");
    REQUIRE(pan_tilt);
    CHECK(pan_tilt.number_attribute("x") == 0.25);
    CHECK(pan_tilt.number_attribute("y") == -1.0);
    CHECK_FALSE(doc->root().find(ns::ptz, "PanTilt"));  // same name, other namespace
    CHECK(doc->root().child(ns::soap12, "Body").child(ns::ptz, "PTZStatus"));
}

TEST_CASE("xml: a DTD is refused and entities are never expanded") {
    auto billion = parse_xml(R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>)");
    REQUIRE_FALSE(billion);
    CHECK(billion.error().kind == ErrorKind::invalid_input);
    auto external = parse_xml(R"(<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>)");
    CHECK_FALSE(external);
}

TEST_CASE("xml: a DOCTYPE or ENTITY is refused from the bytes, before libxml2 parses it") {
    // An unterminated internal subset: libxml2 would call it malformed; the byte check names the DTD.
    auto unterminated = parse_xml(R"(<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">)");
    REQUIRE_FALSE(unterminated);
    CHECK(unterminated.error().message == "XML with a DTD refused");
    auto lone_entity = parse_xml(R"(<r><!ENTITY a "x"></r>)");
    REQUIRE_FALSE(lone_entity);
    CHECK(lone_entity.error().message == "XML with a DTD refused");
    using namespace std::string_literals;
    auto utf16 = parse_xml("\xFF\xFE<\0r\0/\0>\0"s);  // where a byte search could not see a DOCTYPE
    REQUIRE_FALSE(utf16);
    CHECK(utf16.error().message == "XML not starting with '<' refused");
    auto nul = parse_xml("<\0r\0/\0>\0"s);
    REQUIRE_FALSE(nul);
    CHECK(nul.error().message == "XML with a NUL byte refused");
    CHECK(parse_xml("\xEF\xBB\xBF\n <r>DOCTYPE and ENTITY as words are fine</r>"));
}

TEST_CASE("xml: empty, oversized and broken documents are errors, not crashes") {
    CHECK_FALSE(parse_xml(""));
    CHECK_FALSE(parse_xml("<a><b></a>"));
    CHECK_FALSE(parse_xml("<a>" + std::string(100, 'x') + "</a>", 50));
    CHECK(parse_xml("<a>" + std::string(40, 'x') + "</a>", 50));
}

TEST_CASE("xml: text is trimmed and numbers are read strictly") {
    auto doc = parse_xml("<r><v>\n  12.5 \n</v><w>1e400</w><x>12abc</x></r>");
    REQUIRE(doc);
    CHECK(doc->root().child(ns::any, "v").text() == "12.5");
    CHECK(parse_double(doc->root().child(ns::any, "v").text()) == 12.5);
    CHECK_FALSE(parse_double(doc->root().child(ns::any, "x").text()));
    CHECK_FALSE(parse_double(""));
}
