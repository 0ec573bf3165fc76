#pragma once
// The io_context and its one thread that a cache's live streams run on, and the streams themselves:
// one loop reads every child's pipe, so a hundred cameras cost no hundred threads.
#include <memory>
#include <string>

#include "grab_request.hpp"
#include "live_options.hpp"
#include "live_stream.hpp"

namespace ptzgrab {

/// Thread-safe; the streams' callbacks run on the io thread. The destructor closes every stream
/// (each stops and reaps its child and answers its pending waits, cancelled, on the io thread),
/// lets the io thread run those answers, and joins it. A stream may outlive its runtime only
/// stopped (remove(), or the destructor): it then never touches the io_context again.
class LiveRuntime {
public:
    LiveRuntime();
    ~LiveRuntime();
    LiveRuntime(const LiveRuntime&) = delete;
    LiveRuntime& operator=(const LiveRuntime&) = delete;

    /// A stream run by this runtime until remove() or its destructor. Shared: a caller may still
    /// hold it, stopped, after the runtime let it go.
    std::shared_ptr<LiveStream> add(const std::string& ffmpeg, const GrabRequest& request, const LiveOptions& options);
    /// Blocks up to the stop grace (a config reload, never an io thread): the stream is stopped, its
    /// child reaped, and the runtime lets it go.
    void remove(const std::shared_ptr<LiveStream>& stream);

    /// Any thread, never blocks: every stream's close() (waits cancelled, children sent SIGTERM
    /// together); the io thread reaps them, the destructor at the latest.
    void close_all();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ptzgrab
