#include "ptz_cameras.hpp"

#include <atomic>

namespace ptzgrab::web {
namespace {

// After these the session, the clock offset or the connection may be bad: connect afresh next time.
bool drops_client(ErrorKind kind) {
    return kind == ErrorKind::not_authorized || kind == ErrorKind::clock_skew || kind == ErrorKind::timeout ||
           kind == ErrorKind::source_unreachable;
}

}  // namespace

struct PtzCameras::Camera {
    OnvifSettings settings;
    std::unique_ptr<ptz::PtzClient> client;  // only touched on `lane`
    std::atomic<int> pending{0};              // tasks posted to `lane` and not yet started
    SourceLane lane;                          // last member: joined first, while the client still lives
};

PtzCameras::PtzCameras(const std::vector<SourceConfig>& sources, std::chrono::milliseconds settle_timeout)
    : PtzCameras(sources, default_connect(settle_timeout), settle_timeout) {}

PtzCameras::PtzCameras(const std::vector<SourceConfig>& sources, Connect connect, std::chrono::milliseconds settle_timeout)
    : connect_(std::move(connect)), settle_timeout_(settle_timeout) {
    for (const SourceConfig& source : sources) {
        if (!source.onvif) continue;
        auto camera = std::make_unique<Camera>();
        camera->settings = *source.onvif;
        cameras_.emplace(source.name, std::move(camera));
    }
}

PtzCameras::~PtzCameras() {
    shutdown();
    for (auto& [name, camera] : cameras_) camera->lane.join();
}

bool PtzCameras::has(const std::string& source) const { return cameras_.contains(source); }

void PtzCameras::serve(Camera& camera, const Task& task) {
    bool task_ran = false;  // the task answers the request: exactly once, whatever throws
    try {
        if (!camera.client) {
            auto connected = connect_(camera.settings, stop_.get_token());
            if (!connected) {
                task_ran = true;
                task(std::unexpected(connected.error()));  // reported; the next task tries again
                return;
            }
            camera.client = std::move(*connected);
        }
        task_ran = true;
        std::optional<Error> failed = task(camera.client.get());
        if (failed && drops_client(failed->kind)) camera.client.reset();
    } catch (...) {
        camera.client.reset();  // start over next time and keep the lane
        if (task_ran) return;
        try {
            task(make_error(ErrorKind::source_unreachable, "connecting to the camera failed"));
        } catch (...) {  // a task must not throw; nothing is left to answer with
        }
    }
}

bool PtzCameras::run(const std::string& source, Task task) {
    auto found = cameras_.find(source);
    if (found == cameras_.end()) {
        task(make_error(ErrorKind::unsupported, "source " + source + " has no onvif settings"));
        return true;
    }
    Camera& camera = *found->second;
    // Taken before the post, given back when the work starts: behind a slow or dead camera at most
    // max_pending_calls requests wait, the rest are turned away at once instead of replayed much later.
    if (camera.pending.fetch_add(1) >= max_pending_calls) {
        camera.pending.fetch_sub(1);
        return false;
    }
    auto work = [this, &camera, task] {
        camera.pending.fetch_sub(1);
        serve(camera, task);
    };
    if (!camera.lane.post(std::move(work))) {
        camera.pending.fetch_sub(1);
        task(make_error(ErrorKind::cancelled, "the server is shutting down"));
    }
    return true;
}

}  // namespace ptzgrab::web
