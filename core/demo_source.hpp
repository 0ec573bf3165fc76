#pragma once
// With no source configured, ptzgrab still shows a picture: ffmpeg's generated test pattern.
#include <string_view>

namespace ptzgrab {

constexpr std::string_view demo_source_url = "lavfi:testsrc2=size=1280x720:rate=25";
constexpr std::string_view demo_source_name = "demo";

}  // namespace ptzgrab
