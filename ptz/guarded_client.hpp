#pragma once
// Exceptions stay inside the ptz module: every PtzClient that connect() hands out is wrapped in this
// guard, which turns anything thrown (bad_alloc while parsing a reply, a failing hook) into device_error.
#include <memory>

#include "ptz_client.hpp"

namespace ptzgrab::ptz {

std::unique_ptr<PtzClient> guarded(std::unique_ptr<PtzClient> client);

}  // namespace ptzgrab::ptz
