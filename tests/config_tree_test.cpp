// The YAML reader under the camera file: scalars typed as YAML 1.2 types them, every value with its
// 1-based line and column, and syntax errors located.
#include "core/config_tree.hpp"

#include <doctest/doctest.h>

using ptzgrab::ConfigNode;
using ptzgrab::parse_config_tree;
using Kind = ConfigNode::Kind;

namespace {

ConfigNode tree_of(const std::string& yaml) {
    auto tree = parse_config_tree(yaml, "t.yaml");
    REQUIRE_MESSAGE(tree.has_value(), tree.error().message);
    return *tree;
}

std::string error_of(const std::string& yaml) {
    auto tree = parse_config_tree(yaml, "t.yaml");
    REQUIRE_FALSE(tree.has_value());
    CHECK(tree.error().kind == ptzgrab::ErrorKind::invalid_input);
    return tree.error().message;
}

}  // namespace

TEST_CASE("config tree: plain scalars are typed by YAML 1.2's core schema, quoted ones are text") {
    ConfigNode t = tree_of("a: 5\nb: -2.5e1\nc: \"5\"\nd: off\ne: true\nf: ~\ng:\nh: 'x y'\ni: .inf\nj: 1.\nk: 0x1F\n"
                           "l: 99999999999999999999\nm: !!str 7\n");
    CHECK(t.find("a")->kind == Kind::integer);
    CHECK(t.find("a")->integer == 5);
    CHECK(t.find("b")->kind == Kind::number);
    CHECK(t.find("b")->number == doctest::Approx(-25));
    CHECK(t.find("c")->kind == Kind::text);
    CHECK(t.find("d")->kind == Kind::text);  // YAML 1.1 would say false; `live: off` means "off"
    CHECK(t.find("d")->scalar == "off");
    CHECK(t.find("e")->kind == Kind::boolean);
    CHECK(t.find("f")->kind == Kind::null);
    CHECK(t.find("g")->kind == Kind::null);
    CHECK(t.find("h")->scalar == "x y");
    CHECK(t.find("i")->kind == Kind::number);
    CHECK(t.find("j")->kind == Kind::number);
    CHECK(t.find("k")->kind == Kind::text);     // hex is not read as a number
    CHECK(t.find("l")->kind == Kind::number);   // too big for an integer
    CHECK(t.find("m")->kind == Kind::text);
    CHECK(t.find("missing") == nullptr);
}

TEST_CASE("config tree: values and keys carry 1-based line and column; comments are skipped") {
    ConfigNode t = tree_of("# cameras\nsources:\n  - name: gate   # the front\n    url: rtsp://x/\n");
    const ConfigNode& list = *t.find("sources");
    REQUIRE(list.kind == Kind::list);
    const ConfigNode& gate = list.items.at(0);
    CHECK(gate.fields.at(0).key == "name");
    CHECK(gate.fields.at(0).key_mark.line == 3);
    CHECK(gate.fields.at(0).key_mark.column == 5);
    CHECK(gate.find("name")->scalar == "gate");
    CHECK(gate.find("name")->mark.line == 3);
    CHECK(gate.find("name")->mark.column == 11);
    CHECK(gate.find("url")->mark.line == 4);
}

TEST_CASE("config tree: JSON reads as YAML") {
    ConfigNode t = tree_of("{\"sources\": [{\"name\": \"a\", \"width\": 640, \"fps\": 2.5}]}");
    const ConfigNode& a = t.find("sources")->items.at(0);
    CHECK(a.find("name")->kind == Kind::text);
    CHECK(a.find("width")->integer == 640);
    CHECK(a.find("fps")->number == doctest::Approx(2.5));
}

TEST_CASE("config tree: anchors, aliases and << merges; explicit keys win over merged ones") {
    ConfigNode t = tree_of("base: &cam {timeout_s: 4, quality: 70}\n"
                           "one:\n  <<: *cam\n  quality: 80\n"
                           "two: *cam\n");
    const ConfigNode& one = *t.find("one");
    CHECK(one.find("quality")->integer == 80);
    CHECK(one.find("timeout_s")->integer == 4);
    CHECK(one.find("<<") == nullptr);
    CHECK(t.find("two")->find("quality")->integer == 70);
}

TEST_CASE("config tree: syntax errors, duplicate keys and runaway aliases are located errors") {
    CHECK(error_of("a: [1,\nb: 2\n").starts_with("t.yaml:"));
    std::string unclosed = error_of("sources:\n  - {name: a,\n     url: x\n");
    CHECK(unclosed.find("not valid YAML") != std::string::npos);
    CHECK(unclosed.starts_with("t.yaml:4:"));  // where yaml-cpp gave up: past the last line
    CHECK(error_of("a: 1\nb: 2\na: 3\n") == "t.yaml:3:1: not valid YAML: duplicate key \"a\" (first at line 1)");
    CHECK(error_of("a: &x [*x]\n").find("too deep") != std::string::npos);
    std::string laughs = "a: &a [1,1,1,1,1,1,1,1,1,1]\n";
    for (char c = 'b'; c <= 'j'; ++c)
        laughs += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) +
                  ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + "]\n";
    CHECK(error_of(laughs).find("too deep") != std::string::npos);
    CHECK(error_of("<<: 5\n").find("<< merges a map") != std::string::npos);
    CHECK(error_of("? [a, b]\n: 1\n").find("key must be a name") != std::string::npos);
}

TEST_CASE("config tree: one long value aliased many times is refused before it is copied out") {
    std::string bomb = "x: &a \"" + std::string(64 * 1024, 'z') + "\"\ny: [";
    for (int i = 0; i < 400; ++i) bomb += i ? ",*a" : "*a";  // 400 x 64 KiB = 25 MiB if copied
    bomb += "]\n";
    CHECK(error_of(bomb).find("aliased too often") != std::string::npos);
}

TEST_CASE("config tree: a second YAML document is refused where it starts, not silently dropped") {
    std::string second = error_of("sources: []\n---\nsources: 5\n");
    CHECK(second.starts_with("t.yaml:2:1: not valid YAML: a second YAML document starts here"));
    CHECK(error_of("a: 1\n...\nb: 2\n").starts_with("t.yaml:3:1: not valid YAML: a second YAML document"));
    CHECK(error_of("a: 1\n---\n").starts_with("t.yaml:2:1: not valid YAML: a second YAML document"));
    // Text past a closed JSON value: YAML::LoadAll loops forever here; one document is read, then refused.
    CHECK(error_of("{\"a\": 1},\n{\"b\": 2}]\n").starts_with("t.yaml:1:9: not valid YAML: a second YAML document"));
    CHECK(error_of("a: 1\n---\nb: [\n").starts_with("t.yaml:2:1: not valid YAML: a second YAML document"));

    // One document, marked at its start or end or both, is fine; so is JSON.
    CHECK(tree_of("---\nsources: []\n").find("sources") != nullptr);
    CHECK(tree_of("sources: []\n...\n").find("sources") != nullptr);
    CHECK(tree_of("%YAML 1.2\n---\nsources: []\n...\n# the end\n").find("sources") != nullptr);
    CHECK(tree_of("{\"sources\": []}\n").find("sources") != nullptr);
}
