#pragma once
// What `ptzgrab check-config` prints: the sources as serve runs them, so an operator sees every
// default a missing field stands for, without a password reaching a terminal or a ticket.
#include <string>
#include <vector>

#include "frame_cache.hpp"

namespace ptzgrab {

/// `sources` as a YAML camera file ("sources:\n  - name: ..."), every field written out with its
/// value (absent optional ones as comments), URLs through mask_credentials and the onvif password as
/// "***". parse_source_config reads it back to the same sources, but for the masked secrets.
std::string effective_config_yaml(const std::vector<SourceConfig>& sources);

}  // namespace ptzgrab
