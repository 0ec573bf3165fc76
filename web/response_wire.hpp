#pragma once
// An answer as the bytes of its status line and header lines, which the connection sends with the
// body in one gather write: no serializer object per request, and the bytes Beast's would be.
#include <string>

#include "http_types.hpp"

namespace ptzgrab::web {

/// Replaces `out` with the status line, the header lines and the blank line of `answer` (not a
/// stream's). `out` keeps its capacity: a connection that reuses it allocates nothing per answer.
void write_head(const Answer& answer, std::string& out);

}  // namespace ptzgrab::web
