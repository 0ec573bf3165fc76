#pragma once
// The steerable sources of `serve`: one lane (thread) per camera, because PTZ calls are blocking SOAP
// exchanges that must never run on an io thread, and one client per camera, connected on first use.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/frame_cache.hpp"
#include "core/source_lane.hpp"
#include "ptz/ptz_client.hpp"

namespace ptzgrab::web {

class PtzCameras {
public:
    /// `stop` is requested at shutdown: the client's exchanges from then on must fail at once (the
    /// default connect's transport refuses them), so a settle wait does not hold the server up.
    using Connect = std::function<Result<std::unique_ptr<ptz::PtzClient>>(const OnvifSettings&, std::stop_token stop)>;
    /// Runs on the camera's lane with its client, or why there is none (the connect failed, or
    /// `cancelled` at shutdown, then on the caller's thread). Returns the error of its own calls, if
    /// any: not_authorized, clock_skew, timeout or source_unreachable drop the client, so the next
    /// task reconnects (and re-reads the camera's clock).
    using Task = std::function<std::optional<Error>(Result<ptz::PtzClient*>)>;

    /// How long a then=snapshot route waits for a move to end before it answers 504 (serve --ptz-settle-timeout).
    static constexpr std::chrono::milliseconds default_settle_timeout{15'000};

    /// One controller per source with `onvif` settings, connected by default_connect(settle_timeout).
    explicit PtzCameras(const std::vector<SourceConfig>& sources,
                        std::chrono::milliseconds settle_timeout = default_settle_timeout);
    /// `connect` is the seam tests replace; `settle_timeout` is what its clients were given.
    PtzCameras(const std::vector<SourceConfig>& sources, Connect connect,
               std::chrono::milliseconds settle_timeout = default_settle_timeout);
    /// shutdown(), then joins every lane (the exchange running ends within its deadline), then frees the clients.
    ~PtzCameras();
    PtzCameras(const PtzCameras&) = delete;
    PtzCameras& operator=(const PtzCameras&) = delete;

    /// Whether `source` can be steered (it has onvif settings). Any thread.
    bool has(const std::string& source) const;
    /// A config reload, off the io threads: a camera whose onvif settings are unchanged keeps its
    /// lane and client; the others' exchanges fail `cancelled` from now on and their lanes are
    /// joined here (blocks for the exchange running, within its deadline); new ones are added.
    void reconfigure(const std::vector<SourceConfig>& sources);
    /// Requests that may wait for one camera behind the one it is busy with; more are refused (503, Retry-After: 1).
    static constexpr int max_pending_calls = 4;

    /// Any thread: queues `task` on the source's lane (tasks of one camera run one at a time); it
    /// runs exactly once, even when the connect throws. A source that is not steerable, or a
    /// controller shutting down, runs it at once with an error. False, with `task` dropped unrun,
    /// when max_pending_calls tasks already wait for the camera: the caller answers "busy".
    [[nodiscard]] bool run(const std::string& source, Task task);

    /// The clients' settle wait: named in the reason of a 504 when a move did not end within it.
    std::chrono::milliseconds settle_timeout() const { return settle_timeout_; }

    /// Any thread, never blocks: camera exchanges from now on fail `cancelled` (answered 503).
    void shutdown();

    /// ptz::PtzClient::connect with the HTTP transport (refusing exchanges once `stop` is requested)
    /// and the server's deadlines, the settle wait `settle_timeout`.
    static Connect default_connect(std::chrono::milliseconds settle_timeout = default_settle_timeout);

private:
    struct Camera;
    using CameraPtr = std::shared_ptr<Camera>;  // held by its lane's work too; its lane is joined
                                                // before this object lets go of it (reconfigure, destructor)
    void serve(Camera& camera, const Task& task);  // on camera's lane: connect if needed, then task
    std::map<std::string, CameraPtr> cameras(const std::vector<SourceConfig>& sources) const;  // new or kept
    const Connect connect_;
    const std::chrono::milliseconds settle_timeout_;

    mutable std::mutex mutex_;
    // mutex_ protects the following state.
    std::map<std::string, CameraPtr> cameras_;
    bool stopped_ = false;
};

}  // namespace ptzgrab::web
