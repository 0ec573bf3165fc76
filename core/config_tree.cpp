#include "config_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

namespace ptzgrab {
namespace {

constexpr int max_depth = 32;             // a camera file nests 4 deep; aliases can loop (&a [*a])
constexpr size_t max_nodes = 100'000;     // aliases of aliases expand exponentially ("billion laughs")
constexpr size_t max_scalar_bytes = 16u << 20;  // so do aliases of one long scalar, copied at each use

using Kind = ConfigNode::Kind;

bool all_digits(std::string_view s) {
    return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view without_sign(std::string_view s) {
    return !s.empty() && (s.front() == '+' || s.front() == '-') ? s.substr(1) : s;
}

// YAML 1.2 core schema: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_float_syntax(std::string_view s) {
    s = without_sign(s);
    size_t e = s.find_first_of("eE");
    std::string_view mantissa = s.substr(0, e);
    if (e != std::string_view::npos && !all_digits(without_sign(s.substr(e + 1)))) return false;
    size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos) return all_digits(mantissa);
    std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
    return (whole.empty() || all_digits(whole)) && (fraction.empty() || all_digits(fraction)) &&
           !(whole.empty() && fraction.empty());
}

// Types a plain (unquoted) scalar: bool, integer, number, else text.
void type_plain(ConfigNode& node) {
    const std::string& s = node.scalar;
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
        node.kind = Kind::boolean;
        return;
    }
    std::string_view bare = without_sign(s);
    double sign = !s.empty() && s.front() == '-' ? -1 : 1;
    if (bare == ".inf" || bare == ".Inf" || bare == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN") {
        node.kind = Kind::number;
        node.number = s.ends_with("inf") || s.ends_with("Inf") || s.ends_with("INF")
                          ? sign * std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::quiet_NaN();
        return;
    }
    if (!is_float_syntax(s)) return;  // text
    std::string_view digits = s.front() == '+' ? std::string_view(s).substr(1) : std::string_view(s);
    if (all_digits(without_sign(s))) {
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), node.integer);
        if (ec == std::errc() && end == digits.data() + digits.size()) {
            node.kind = Kind::integer;
            node.number = static_cast<double>(node.integer);
            return;
        }
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), node.number);
    if (ec == std::errc::result_out_of_range) node.number = sign * std::numeric_limits<double>::infinity();
    node.kind = Kind::number;
}

// yaml-cpp's 0-based place of `n` as 1-based line and column; a node without one (null) is at `parent`.
ConfigMark mark_of(const YAML::Node& n, ConfigMark parent) {
    YAML::Mark m = n.Mark();
    return m.line < 0 ? parent : ConfigMark{m.line + 1, m.column + 1};
}

// Copies a yaml-cpp tree into ConfigNodes; errors carry the offending node's place.
class TreeReader {
public:
    explicit TreeReader(const std::string& file) : file_(file) {}

    Result<ConfigNode> read(const YAML::Node& n, ConfigMark parent, int depth) {
        ConfigNode out;
        out.mark = mark_of(n, parent);
        if (depth > max_depth || ++nodes_ > max_nodes)
            return fail(out.mark, "nested or aliased too deep (more than " + std::to_string(max_depth) +
                                      " levels or " + std::to_string(max_nodes) + " values)");
        if (n.IsScalar()) {
            if ((scalar_bytes_ += n.Scalar().size()) > max_scalar_bytes)
                return fail(out.mark, "aliased too often (more than " + std::to_string(max_scalar_bytes >> 20) +
                                          " MiB of values)");
            out.scalar = n.Scalar();
            out.plain = n.Tag() != "!" && n.Tag() != "tag:yaml.org,2002:str";
            out.kind = Kind::text;
            if (out.plain) type_plain(out);
            return out;
        }
        if (n.IsSequence()) {
            out.kind = Kind::list;
            for (const YAML::Node& item : n) {
                auto child = read(item, out.mark, depth + 1);
                if (!child) return child;
                out.items.push_back(std::move(*child));
            }
            return out;
        }
        if (n.IsMap()) return read_map(n, std::move(out), depth);
        return out;  // null
    }

private:
    std::unexpected<Error> fail(ConfigMark at, const std::string& what) const {
        return make_error(ErrorKind::invalid_input, located(file_, at) + ": not valid YAML: " + what);
    }

    // Explicit keys first (each once); then `<<` merges fill in the keys still missing, earlier maps first.
    Result<ConfigNode> read_map(const YAML::Node& n, ConfigNode out, int depth) {
        out.kind = Kind::map;
        std::vector<ConfigNode> merged;
        for (auto it = n.begin(); it != n.end(); ++it) {
            ConfigMark key_mark = mark_of(it->first, out.mark);
            if (!it->first.IsScalar()) return fail(key_mark, "a key must be a name, not a list or map");
            std::string key = it->first.Scalar();
            auto value = read(it->second, key_mark, depth + 1);
            if (!value) return value;
            if (key == "<<" && it->first.Tag() == "?") {
                if (auto ok = collect_merge(*value, merged); !ok) return std::unexpected(ok.error());
                continue;
            }
            if (const ConfigField* twin = field_named(out, key))
                return fail(key_mark, "duplicate key \"" + key + "\" (first at line " + std::to_string(twin->key_mark.line) + ")");
            out.fields.push_back({std::move(key), key_mark, std::move(*value)});
        }
        for (ConfigNode& source : merged)
            for (ConfigField& field : source.fields)
                if (!field_named(out, field.key)) out.fields.push_back(std::move(field));
        return out;
    }

    Result<void> collect_merge(ConfigNode& value, std::vector<ConfigNode>& merged) const {
        std::vector<ConfigNode> maps;
        if (value.kind == Kind::map) maps.push_back(std::move(value));
        if (value.kind == Kind::list) maps = std::move(value.items);
        if (maps.empty() || std::ranges::any_of(maps, [](const ConfigNode& m) { return m.kind != Kind::map; }))
            return fail(value.mark, "<< merges a map or a list of maps (such as *defaults)");
        for (ConfigNode& m : maps) merged.push_back(std::move(m));
        return {};
    }

    static const ConfigField* field_named(const ConfigNode& map, std::string_view key) {
        auto it = std::ranges::find(map.fields, key, &ConfigField::key);
        return it == map.fields.end() ? nullptr : &*it;
    }

    const std::string& file_;
    size_t nodes_ = 0;
    size_t scalar_bytes_ = 0;
};

// Sees a document's parse events and keeps only how many documents began and where the last one did.
class DocumentStarts final : public YAML::EventHandler {
public:
    int count = 0;
    YAML::Mark last;

    void OnDocumentStart(const YAML::Mark& mark) override {
        ++count;
        last = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// Where a second document starts, if anything follows the first: YAML::Load reads one and drops the
// rest. The parser is asked for two documents and no more, since on some malformed input (a token no
// document consumes, such as a stray `,`) it answers "another one" forever; YAML::LoadAll loops there.
std::optional<ConfigMark> second_document(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    try {
        if (parser.HandleNextDocument(starts)) parser.HandleNextDocument(starts);
    } catch (const YAML::Exception&) {
        if (starts.count < 2) throw;  // a broken second document is still a second document
    }
    if (starts.count < 2) return std::nullopt;
    return ConfigMark{starts.last.line + 1, starts.last.column + 1};
}

}  // namespace

std::string located(const std::string& file, ConfigMark mark) {
    if (mark.line <= 0) return file;
    return file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
    auto it = std::ranges::find(fields, key, &ConfigField::key);
    return it == fields.end() ? nullptr : &it->value;
}

Result<ConfigNode> parse_config_tree(std::string_view text, const std::string& file_label) {
    // yaml-cpp reports with exceptions; they end here.
    try {
        std::string owned(text);
        YAML::Node root = YAML::Load(owned);
        if (auto second = second_document(owned))
            return make_error(ErrorKind::invalid_input,
                              located(file_label, *second) +
                                  ": not valid YAML: a second YAML document starts here (after a \"---\" or the "
                                  "first document's end); a camera file holds one, and only one would be read");
        return TreeReader(file_label).read(root, ConfigMark{}, 0);
    } catch (const YAML::Exception& e) {
        ConfigMark at = e.mark.line < 0 ? ConfigMark{} : ConfigMark{e.mark.line + 1, e.mark.column + 1};
        return make_error(ErrorKind::invalid_input, located(file_label, at) + ": not valid YAML: " + e.msg);
    } catch (const std::exception& e) {
        return make_error(ErrorKind::invalid_input, file_label + ": cannot be read as YAML: " + e.what());
    }
}

}  // namespace ptzgrab
