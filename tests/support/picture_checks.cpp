#include "picture_checks.hpp"

#include <doctest/doctest.h>

#include <cmath>

namespace ptzgrab::testing {

void check_picture_at(const PictureLocation& where, const PtzPosition& expected, double tolerance) {
    INFO("expected pan " << expected.pan << " tilt " << expected.tilt << " zoom " << expected.zoom << "; found pan "
                         << where.position.pan << " tilt " << where.position.tilt << " zoom " << where.position.zoom
                         << " score " << where.score);
    CHECK(where.score > min_match_score);
    CHECK(std::abs(where.position.pan - expected.pan) < tolerance);
    CHECK(std::abs(where.position.tilt - expected.tilt) < tolerance);
    CHECK(std::abs(where.position.zoom - expected.zoom) < tolerance);
}

}  // namespace ptzgrab::testing
