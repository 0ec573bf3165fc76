// The real connect of PtzCameras, in its own file: a program that passes its own connect (the
// router tests) does not link the ONVIF client.
#include "ptz_cameras.hpp"

namespace ptzgrab::web {

PtzCameras::Connect PtzCameras::default_connect() {
    return [](const OnvifSettings& settings) {
        ptz::ClientOptions options;
        options.settle_timeout = std::chrono::seconds(15);  // a route waits no longer for a move to end
        return ptz::PtzClient::connect(settings, ptz::make_http_transport(), options);
    };
}

}  // namespace ptzgrab::web
