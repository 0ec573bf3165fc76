#include "web/html_escape.hpp"

#include <doctest/doctest.h>

using ptzgrab::web::html_escape;

TEST_CASE("html_escape: plain text passes through unchanged") {
    CHECK(html_escape("") == "");
    CHECK(html_escape("front door cam 1") == "front door cam 1");
    CHECK(html_escape("/stream/view?source=demo") == "/stream/view?source=demo");
}

TEST_CASE("html_escape: the five markup characters become character references") {
    CHECK(html_escape("&") == "&amp;");
    CHECK(html_escape("<") == "&lt;");
    CHECK(html_escape(">") == "&gt;");
    CHECK(html_escape("\"") == "&quot;");
    CHECK(html_escape("'") == "&#39;");
}

TEST_CASE("html_escape: a script tag in a source name cannot open an element") {
    CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
}

TEST_CASE("html_escape: a quote in a value cannot close the attribute it sits in") {
    CHECK(html_escape("x\" onerror=\"alert(1)") == "x&quot; onerror=&quot;alert(1)");
    CHECK(html_escape("x' onload='y") == "x&#39; onload=&#39;y");
}

TEST_CASE("html_escape: an existing reference is escaped again, not trusted") {
    CHECK(html_escape("&amp;") == "&amp;amp;");
    CHECK(html_escape("a=1&b=2") == "a=1&amp;b=2");
}

TEST_CASE("html_escape: UTF-8 and control bytes pass through byte for byte") {
    CHECK(html_escape("Küche – 东门") == "Küche – 东门");
    CHECK(html_escape(std::string_view("a\0b\n", 4)) == std::string("a\0b\n", 4));
}
