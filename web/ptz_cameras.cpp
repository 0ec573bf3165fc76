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
    std::stop_source stop;                    // at shutdown, or when a reload removes the camera
    std::unique_ptr<ptz::PtzClient> client;  // only touched on `lane`
    std::atomic<int> pending{0};              // tasks posted to `lane` and not yet started
    SourceLane lane;                          // last member: joined first, while the client still lives
};

PtzCameras::PtzCameras(const std::vector<SourceConfig>& sources, std::chrono::milliseconds settle_timeout)
    : PtzCameras(sources, default_connect(settle_timeout), settle_timeout) {}

PtzCameras::PtzCameras(const std::vector<SourceConfig>& sources, Connect connect, std::chrono::milliseconds settle_timeout)
    : connect_(std::move(connect)), settle_timeout_(settle_timeout) {
    cameras_ = cameras(sources);
}

PtzCameras::~PtzCameras() {
    shutdown();
    for (auto& [name, camera] : cameras_) camera->lane.join();
}

// With mutex_ held (or constructing): one camera per steerable source, the running one when its
// settings are unchanged.
std::map<std::string, PtzCameras::CameraPtr> PtzCameras::cameras(const std::vector<SourceConfig>& sources) const {
    std::map<std::string, CameraPtr> next;
    for (const SourceConfig& source : sources) {
        if (!source.onvif) continue;
        auto running = cameras_.find(source.name);
        if (running != cameras_.end() && running->second->settings == *source.onvif) {
            next.emplace(source.name, running->second);
            continue;
        }
        auto camera = std::make_shared<Camera>();
        camera->settings = *source.onvif;
        if (stopped_) camera->stop.request_stop();
        next.emplace(source.name, std::move(camera));
    }
    return next;
}

void PtzCameras::reconfigure(const std::vector<SourceConfig>& sources) {
    std::vector<CameraPtr> removed;
    {
        std::lock_guard lock(mutex_);
        std::map<std::string, CameraPtr> next = cameras(sources);
        for (auto& [name, camera] : cameras_) {
            auto now = next.find(name);
            if (now == next.end() || now->second != camera) removed.push_back(camera);
        }
        cameras_ = std::move(next);
    }
    // Outside the lock: requests for the other cameras go on while these finish.
    for (const CameraPtr& camera : removed) camera->stop.request_stop();
    for (const CameraPtr& camera : removed) camera->lane.join();  // tasks queued run, failing `cancelled`
}

void PtzCameras::shutdown() {
    std::vector<CameraPtr> all;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        for (auto& [name, camera] : cameras_) all.push_back(camera);
    }
    for (const CameraPtr& camera : all) camera->stop.request_stop();
}

bool PtzCameras::has(const std::string& source) const {
    std::lock_guard lock(mutex_);
    return cameras_.contains(source);
}

void PtzCameras::serve(Camera& camera, const Task& task) {
    bool task_ran = false;  // the task answers the request: exactly once, whatever throws
    try {
        if (!camera.client) {
            auto connected = connect_(camera.settings, camera.stop.get_token());
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
    CameraPtr found;
    {
        std::lock_guard lock(mutex_);
        if (auto it = cameras_.find(source); it != cameras_.end()) found = it->second;
    }
    if (!found) {
        task(make_error(ErrorKind::unsupported, "source " + source + " has no onvif settings"));
        return true;
    }
    Camera& camera = *found;
    // Taken before the post, given back when the work starts: behind a slow or dead camera at most
    // max_pending_calls requests wait, the rest are turned away at once instead of replayed much later.
    if (camera.pending.fetch_add(1) >= max_pending_calls) {
        camera.pending.fetch_sub(1);
        return false;
    }
    auto work = [this, found, task] {
        found->pending.fetch_sub(1);
        serve(*found, task);
    };
    if (!camera.lane.post(std::move(work))) {  // joined: a reload removed the camera, or shutting down
        camera.pending.fetch_sub(1);
        task(make_error(ErrorKind::cancelled, "the camera was removed or the server is shutting down"));
    }
    return true;
}

}  // namespace ptzgrab::web
