#include <doctest/doctest.h>

#include "core/output_path.hpp"

using namespace ptzgrab;

TEST_CASE("output path: strftime patterns expand at the grab time") {
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 25;
    tm.tm_hour = 7;
    tm.tm_min = 5;
    tm.tm_sec = 9;
    auto when = std::chrono::system_clock::from_time_t(::timegm(&tm));
    auto path = expand_output_pattern("snaps/cam1-%Y%m%d-%H%M%S.jpg", when, true);
    REQUIRE(path.has_value());
    CHECK(*path == "snaps/cam1-20261125-070509.jpg");
    CHECK(*expand_output_pattern("plain.jpg", when, true) == "plain.jpg");
    CHECK(*expand_output_pattern("100%%.jpg", when, true) == "100%.jpg");
    CHECK(*expand_output_pattern("-", when, true) == "-");
}

TEST_CASE("output path: an empty pattern is refused") {
    auto path = expand_output_pattern("", std::chrono::system_clock::now());
    REQUIRE_FALSE(path.has_value());
    CHECK(path.error().kind == ErrorKind::invalid_input);
}
