#pragma once
// A live source's frames as Snapshots: decoded, stamped and encoded at most once per frame, on
// first demand, on the source's lane, and shared by every caller asking for that frame. Frames no
// one asks for cost nothing beyond the pipe.
#include <functional>
#include <memory>
#include <optional>

#include "frame.hpp"
#include "frame_cache.hpp"
#include "live_stream.hpp"
#include "source_lane.hpp"

namespace ptzgrab {

/// Thread-safe: render() is called from any thread (a caller's, the io thread).
class LiveRenders {
public:
    using Callback = std::function<void(Result<Snapshot>)>;
    using Rendered = std::function<void(const Snapshot&)>;  // after each frame rendered, on the lane

    LiveRenders(SourceLane& lane, RenderOptions options, Rendered rendered);

    /// Calls `done` once with `frame` rendered: at once on this thread when it already is, else
    /// on the lane when its one render ends. The Snapshot's jpeg is the same buffer for every
    /// caller of one frame; age and marks are the caller's to set. A frame that fails to render
    /// is not tried again: later callers of it get the same error at once.
    void render(std::shared_ptr<const LiveFrame> frame, Callback done);
    /// Bytes of the newest frame rendered (decoded + encoded), 0 when none.
    size_t bytes_held() const;
    void clear();  // drops the newest frame rendered

private:
    struct State;
    SourceLane& lane_;
    std::shared_ptr<State> state_;  // shared with the work on the lane
};

}  // namespace ptzgrab
