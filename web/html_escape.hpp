#pragma once
// Text that goes into an HTML page, as element content or as a quoted attribute value.
#include <string>
#include <string_view>

namespace ptzgrab::web {

/// Replaces & < > " ' with character references, so the result is safe both as element
/// text and inside a single- or double-quoted attribute. Every other byte (UTF-8 included)
/// passes through unchanged. Not for <script> or <style> bodies, where references are not decoded.
std::string html_escape(std::string_view text);

}  // namespace ptzgrab::web
