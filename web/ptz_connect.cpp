// The real connect of PtzCameras, in its own file: a program that passes its own connect (the
// router tests) does not link the ONVIF client.
#include "ptz_cameras.hpp"

namespace ptzgrab::web {
namespace {

// The HTTP transport until the server stops, then refusing every exchange: a settle wait (GetStatus
// polls for up to 15 s) ends at its next poll instead of holding the shutdown.
class StoppableTransport final : public ptz::SoapTransport {
public:
    StoppableTransport(std::shared_ptr<ptz::SoapTransport> inner, std::stop_token stop)
        : inner_(std::move(inner)), stop_(std::move(stop)) {}

    Result<ptz::SoapReply> post(const ptz::SoapRequest& request) override {
        if (stop_.stop_requested()) return make_error(ErrorKind::cancelled, "the server is stopping");
        return inner_->post(request);
    }

private:
    std::shared_ptr<ptz::SoapTransport> inner_;
    std::stop_token stop_;
};

}  // namespace

PtzCameras::Connect PtzCameras::default_connect(std::chrono::milliseconds settle_timeout) {
    return [settle_timeout](const OnvifSettings& settings, std::stop_token stop) {
        ptz::ClientOptions options;
        options.settle_timeout = settle_timeout;  // a route waits no longer for a move to end
        auto transport = std::make_shared<StoppableTransport>(ptz::make_http_transport(), std::move(stop));
        return ptz::PtzClient::connect(settings, std::move(transport), options);
    };
}

}  // namespace ptzgrab::web
