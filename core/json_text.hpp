#pragma once
// JSON text for people and scripts: Boost.JSON 1.81 writes 0.5 as "5E-1", which is valid JSON but
// hard to read and surprises a shell pipeline; this writes every double in its shortest form.
#include <boost/json/value.hpp>
#include <string>

namespace ptzgrab {

/// `value` as compact JSON, doubles in std::to_chars' shortest round-trip form (0.5, 0.012416,
/// 1e+300), with ".0" added to a whole one so it reads back as a double; NaN and infinity as null.
std::string json_text(const boost::json::value& value);

}  // namespace ptzgrab
