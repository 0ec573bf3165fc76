#pragma once
// The io_context and its one thread that a cache's live streams run on, and the streams themselves:
// one loop reads every child's pipe, so a hundred cameras cost no hundred threads.
#include <memory>
#include <string>

#include "grab_request.hpp"
#include "live_options.hpp"
#include "live_stream.hpp"

namespace ptzgrab {

/// add() is called by the owner's thread; the streams' callbacks run on the io thread. The
/// destructor closes every stream (each stops and reaps its child and answers its pending waits,
/// cancelled, on the io thread), lets the io thread run those answers, and joins it.
class LiveRuntime {
public:
    LiveRuntime();
    ~LiveRuntime();
    LiveRuntime(const LiveRuntime&) = delete;
    LiveRuntime& operator=(const LiveRuntime&) = delete;

    /// A stream owned by this runtime, alive until its destructor.
    LiveStream& add(const std::string& ffmpeg, const GrabRequest& request, const LiveOptions& options);

    /// Any thread, never blocks: every stream's close() (waits cancelled, children sent SIGTERM
    /// together); the io thread reaps them, the destructor at the latest.
    void close_all();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ptzgrab
