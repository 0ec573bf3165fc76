// core/json_text: the JSON the server answers and the CLI prints, doubles as people write them.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <limits>

#include "core/json_text.hpp"

namespace json = boost::json;

TEST_CASE("json text: doubles in their shortest form, reading back as the same doubles") {
    json::value v = json::object{{"pan", 0.5}, {"tilt", -0.012416}, {"zoom", 1.0}, {"big", 1e300}, {"tiny", 2.5e-7}};
    std::string text = ptzgrab::json_text(v);
    CHECK(text == R"({"pan":0.5,"tilt":-0.012416,"zoom":1.0,"big":1e+300,"tiny":2.5e-07})");
    json::value back = json::parse(text);
    CHECK(back == v);  // the same values and kinds: 1.0 stays a double
    CHECK(back.at("zoom").is_double());
}

TEST_CASE("json text: other kinds as Boost.JSON writes them, strings escaped, NaN and infinity as null") {
    json::value v = json::object{{"list", json::array{1, -2, 18446744073709551615ull, true, nullptr}},
                                 {"say \"hi\"", "line\nbreak \xC3\xA9 \x01"},
                                 {"nan", std::numeric_limits<double>::quiet_NaN()},
                                 {"inf", std::numeric_limits<double>::infinity()},
                                 {"empty", json::object{}}};
    std::string text = ptzgrab::json_text(v);
    CHECK(text == R"({"list":[1,-2,18446744073709551615,true,null],"say \"hi\"":"line\nbreak )" "\xC3\xA9" R"( \u0001","nan":null,"inf":null,"empty":{}})");
    CHECK(json::parse(text).at("list") == v.at("list"));
}
