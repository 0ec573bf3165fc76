#pragma once
// A YAML document (JSON is YAML) as plain values that remember their line and column, so the
// config readers can say where a mistake is; only config_tree.cpp sees yaml-cpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace ptzgrab {

struct ConfigMark {
    int line = 0;    // 1-based, as editors count; 0: unknown (an empty file)
    int column = 0;  // 1-based
};

/// "FILE:LINE:COLUMN", or "FILE" when the mark is unknown.
std::string located(const std::string& file, ConfigMark mark);

struct ConfigField;

/// Scalars are typed as YAML 1.2's core schema types them: a quoted scalar is always text, a plain
/// one is null (~, null, nothing), a boolean (true, false), an integer, a number, or else text
/// (so `live: off` is the text "off", not YAML 1.1's false).
struct ConfigNode {
    enum class Kind { null, boolean, integer, number, text, list, map };
    Kind kind = Kind::null;
    std::string scalar;                // what the file says, unquoted (text: the string itself)
    bool plain = false;                // a scalar written without quotes
    int64_t integer = 0;               // Kind::integer
    double number = 0;                 // Kind::integer and Kind::number
    std::vector<ConfigNode> items;     // Kind::list
    std::vector<ConfigField> fields;   // Kind::map, in file order, `<<: *anchor` merges applied
    ConfigMark mark;

    /// The value of `key` in a map; nullptr when absent (or not a map).
    const ConfigNode* find(std::string_view key) const;
};

struct ConfigField {
    std::string key;
    ConfigMark key_mark;
    ConfigNode value;
};

/// Parses `text`. Errors (invalid_input) read "FILE:LINE:COLUMN: not valid YAML: WHAT"; duplicate
/// keys, non-text keys, aliases that nest too deep or expand too far, and a second document (after a
/// `---`, or text past the first one's end) are refused the same way.
Result<ConfigNode> parse_config_tree(std::string_view text, const std::string& file_label);

}  // namespace ptzgrab
