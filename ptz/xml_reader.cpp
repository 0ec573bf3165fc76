#include "xml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <libxml/parser.h>
#include <libxml/tree.h>

namespace ptzgrab::ptz {
namespace {

const xmlNode* raw(const void* node) { return static_cast<const xmlNode*>(node); }

std::string_view view(const xmlChar* text) {
    return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view{};
}

bool matches(const xmlNode* node, std::string_view uri, std::string_view local) {
    if (node->type != XML_ELEMENT_NODE || view(node->name) != local) return false;
    if (uri == ns::any) return true;
    return view(node->ns ? node->ns->href : nullptr) == uri;
}

const xmlNode* find_below(const xmlNode* node, std::string_view uri, std::string_view local, int depth) {
    if (depth > 64) return nullptr;  // the parser caps depth too; this keeps the stack small
    for (const xmlNode* c = node->children; c; c = c->next) {
        if (matches(c, uri, local)) return c;
        if (const xmlNode* found = find_below(c, uri, local, depth + 1)) return found;
    }
    return nullptr;
}

std::string trimmed(std::string text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace

std::string_view XmlNode::local_name() const { return node_ ? view(raw(node_)->name) : std::string_view{}; }

std::string_view XmlNode::namespace_uri() const {
    return node_ && raw(node_)->ns ? view(raw(node_)->ns->href) : std::string_view{};
}

XmlNode XmlNode::child(std::string_view uri, std::string_view local) const {
    if (!node_) return {};
    for (const xmlNode* c = raw(node_)->children; c; c = c->next)
        if (matches(c, uri, local)) return XmlNode(c);
    return {};
}

std::vector<XmlNode> XmlNode::children(std::string_view uri, std::string_view local) const {
    std::vector<XmlNode> out;
    if (!node_) return out;
    for (const xmlNode* c = raw(node_)->children; c; c = c->next)
        if (matches(c, uri, local)) out.emplace_back(c);
    return out;
}

XmlNode XmlNode::find(std::string_view uri, std::string_view local) const {
    return node_ ? XmlNode(find_below(raw(node_), uri, local, 0)) : XmlNode{};
}

std::string XmlNode::text() const {
    if (!node_) return {};
    xmlChar* content = xmlNodeGetContent(raw(node_));
    std::string out(view(content));
    xmlFree(content);
    return trimmed(std::move(out));
}

std::optional<std::string> XmlNode::attribute(std::string_view local) const {
    if (!node_) return std::nullopt;
    for (const xmlAttr* a = raw(node_)->properties; a; a = a->next) {
        if (view(a->name) != local) continue;
        xmlChar* value = xmlNodeListGetString(a->doc, a->children, 1);
        std::string out(view(value));
        xmlFree(value);
        return trimmed(std::move(out));
    }
    return std::nullopt;
}

std::optional<double> XmlNode::number_attribute(std::string_view local) const {
    auto text = attribute(local);
    return text ? parse_double(*text) : std::nullopt;
}

std::optional<double> parse_double(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    if (value != value) return std::nullopt;  // NaN
    return value;
}

XmlNode XmlDocument::root() const {
    return doc_ ? XmlNode(xmlDocGetRootElement(static_cast<xmlDoc*>(doc_.get()))) : XmlNode{};
}

namespace {

bool contains_ignoring_case(std::string_view text, std::string_view part) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return std::ranges::search(text, part, [&](char a, char b) { return lower(a) == lower(b); }).begin() != text.end();
}

// Refused before libxml2 sees the bytes, so it never parses a DTD or an entity declaration. The byte
// search holds only for an ASCII-compatible encoding: the text must start with '<' (after a UTF-8
// BOM and blanks) and hold no NUL, which rules out UTF-16/32 and EBCDIC.
std::optional<std::string_view> refused_before_parsing(std::string_view text) {
    std::string_view rest = text;
    if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
    auto first = rest.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || rest[first] != '<') return "XML not starting with '<' refused";
    if (text.find('\0') != std::string_view::npos) return "XML with a NUL byte refused";
    if (contains_ignoring_case(text, "<!DOCTYPE") || contains_ignoring_case(text, "<!ENTITY"))
        return "XML with a DTD refused";
    return std::nullopt;
}

}  // namespace

Result<XmlDocument> parse_xml(std::string_view text, std::size_t max_bytes) {
    if (text.empty()) return make_error(ErrorKind::invalid_input, "empty XML");
    if (text.size() > max_bytes) return make_error(ErrorKind::invalid_input, "XML reply too large");
    if (auto refused = refused_before_parsing(text)) return make_error(ErrorKind::invalid_input, std::string(*refused));
    // No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR, no network; quiet.
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    xmlDoc* doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), "reply.xml", nullptr, options);
    if (!doc) return make_error(ErrorKind::invalid_input, "not well-formed XML");
    XmlDocument out;
    out.doc_ = std::shared_ptr<void>(doc, [](void* d) { xmlFreeDoc(static_cast<xmlDoc*>(d)); });
    if (doc->intSubset || doc->extSubset)  // kept as a second line of defence
        return make_error(ErrorKind::invalid_input, "XML with a DTD refused");
    if (!xmlDocGetRootElement(doc)) return make_error(ErrorKind::invalid_input, "XML without an element");
    return out;
}

}  // namespace ptzgrab::ptz
