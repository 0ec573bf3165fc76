#include "guarded_client.hpp"

#include <exception>
#include <new>
#include <utility>

#include "text_format.hpp"

namespace ptzgrab::ptz {
namespace {

// Runs `call`, returning what it returns, or a device_error naming `what` when it throws.
template <typename Call>
auto no_throw(std::string_view what, Call&& call) -> decltype(call()) {
    try {
        return call();
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::device_error, format_text("{}: out of memory", what));
    } catch (const std::exception& e) {
        return make_error(ErrorKind::device_error, format_text("{}: internal error: {}", what, e.what()));
    } catch (...) {
        return make_error(ErrorKind::device_error, format_text("{}: internal error", what));
    }
}

class GuardedClient final : public PtzClient {
public:
    explicit GuardedClient(std::unique_ptr<PtzClient> inner) : inner_(std::move(inner)) {}

    const PtzInfo& info() const override { return inner_->info(); }
    Result<PtzStatus> status() override { return no_throw("status", [&] { return inner_->status(); }); }
    Result<std::vector<Preset>> presets() override { return no_throw("presets", [&] { return inner_->presets(); }); }
    Result<std::string> stream_uri() override { return no_throw("stream URI", [&] { return inner_->stream_uri(); }); }
    Result<void> move(const MoveCommand& command) override {
        return no_throw("move", [&] { return inner_->move(command); });
    }
    Result<void> stop() override { return no_throw("stop", [&] { return inner_->stop(); }); }
    Result<void> center_on(PictureOffset point) override {
        return no_throw("center", [&] { return inner_->center_on(point); });
    }
    Result<void> goto_preset(const std::string& preset, std::optional<double> speed) override {
        return no_throw("goto preset", [&] { return inner_->goto_preset(preset, speed); });
    }
    Result<std::string> set_preset(const std::string& name) override {
        return no_throw("set preset", [&] { return inner_->set_preset(name); });
    }
    Result<void> remove_preset(const std::string& preset) override {
        return no_throw("remove preset", [&] { return inner_->remove_preset(preset); });
    }
    Result<void> goto_home(std::optional<double> speed) override {
        return no_throw("goto home", [&] { return inner_->goto_home(speed); });
    }
    Result<void> set_home() override { return no_throw("set home", [&] { return inner_->set_home(); }); }
    Result<Settled> wait_until_settled() override {
        return no_throw("wait for the move to end", [&] { return inner_->wait_until_settled(); });
    }

private:
    std::unique_ptr<PtzClient> inner_;
};

}  // namespace

std::unique_ptr<PtzClient> guarded(std::unique_ptr<PtzClient> client) {
    return std::make_unique<GuardedClient>(std::move(client));
}

}  // namespace ptzgrab::ptz
