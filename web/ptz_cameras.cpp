#include "ptz_cameras.hpp"

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

void PtzCameras::run(const std::string& source, Task task) {
    auto found = cameras_.find(source);
    if (found == cameras_.end()) {
        task(make_error(ErrorKind::unsupported, "source " + source + " has no onvif settings"));
        return;
    }
    Camera& camera = *found->second;
    auto work = [this, &camera, task] {
        try {
            if (!camera.client) {
                auto connected = connect_(camera.settings, stop_.get_token());
                if (!connected) {
                    task(std::unexpected(connected.error()));  // reported; the next task tries again
                    return;
                }
                camera.client = std::move(*connected);
            }
            std::optional<Error> failed = task(camera.client.get());
            if (failed && drops_client(failed->kind)) camera.client.reset();
        } catch (...) {
            camera.client.reset();  // a task must not throw; if one does, start over and keep the lane
        }
    };
    if (!camera.lane.post(std::move(work))) task(make_error(ErrorKind::cancelled, "the server is shutting down"));
}

}  // namespace ptzgrab::web
