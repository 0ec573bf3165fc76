#pragma once
// One way every PTZ test proves a move by its picture: a confident match, each axis near the commanded one.
#include "picture_locator.hpp"

namespace ptzgrab::testing {

/// Below this normalized cross-correlation the locator has not really found the picture.
constexpr double min_match_score = 0.7;

/// doctest CHECKs: `where` scores above min_match_score and lies within `tolerance` (generic units) of `expected`.
void check_picture_at(const PictureLocation& where, const PtzPosition& expected, double tolerance);

}  // namespace ptzgrab::testing
