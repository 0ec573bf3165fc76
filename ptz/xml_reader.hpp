#pragma once
// A read-only view of a SOAP reply parsed by libxml2, searched by namespace URI and local name
// (vendors use any prefix). Parsing never touches the network, loads no DTD and expands no entity.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ptzgrab::ptz {

namespace ns {
inline constexpr std::string_view any = "*";  // matches every namespace, and none
inline constexpr std::string_view soap12 = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr std::string_view soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view schema = "http://www.onvif.org/ver10/schema";  // tt
inline constexpr std::string_view device = "http://www.onvif.org/ver10/device/wsdl";  // tds
inline constexpr std::string_view media = "http://www.onvif.org/ver10/media/wsdl";  // trt
inline constexpr std::string_view ptz = "http://www.onvif.org/ver20/ptz/wsdl";  // tptz
}  // namespace ns

inline constexpr std::size_t max_reply_bytes = 1 << 20;

/// An element of a parsed document; false when a search found nothing. Valid while its document lives.
class XmlNode {
public:
    XmlNode() = default;
    explicit XmlNode(const void* node) : node_(node) {}
    explicit operator bool() const { return node_ != nullptr; }

    std::string_view local_name() const;
    std::string_view namespace_uri() const;  // empty: no namespace
    XmlNode child(std::string_view uri, std::string_view local) const;  // first element child
    std::vector<XmlNode> children(std::string_view uri, std::string_view local) const;
    XmlNode find(std::string_view uri, std::string_view local) const;  // first descendant, depth first
    std::string text() const;  // the text content, trimmed
    std::optional<std::string> attribute(std::string_view local) const;  // an unqualified attribute
    std::optional<double> number_attribute(std::string_view local) const;

private:
    const void* node_ = nullptr;
};

class XmlDocument {
public:
    XmlNode root() const;

private:
    friend Result<XmlDocument> parse_xml(std::string_view text, std::size_t max_bytes);
    std::shared_ptr<void> doc_;
};

/// invalid_input: empty, over `max_bytes`, not well-formed, or carrying a DTD.
Result<XmlDocument> parse_xml(std::string_view text, std::size_t max_bytes = max_reply_bytes);

std::optional<double> parse_double(std::string_view text);

}  // namespace ptzgrab::ptz
