// Fuzz harness for the SOAP reply path: a camera's answer (status, challenge, body) goes through the
// session (fault reading and classification, Digest challenge parsing) and every reply reader.
// Oracles: an error message is one line and never holds the password, even when the camera echoes it.
//
// Input layout: byte 0 picks the HTTP status, then a line with the WWW-Authenticate value, then the body.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "ptz/onvif_calls.hpp"
#include "ptz/soap_fault.hpp"
#include "ptz/soap_session.hpp"

namespace {

using namespace ptzgrab;
using namespace ptzgrab::ptz;

constexpr std::string_view password = "QZXSECRETQZX";
constexpr std::array<int, 6> statuses = {200, 400, 401, 500, 503, 302};

class OneReply final : public SoapTransport {
public:
    explicit OneReply(SoapReply reply) : reply_(std::move(reply)) {}
    Result<SoapReply> post(const SoapRequest&) override { return reply_; }

private:
    SoapReply reply_;
};

void read_everything(XmlNode body) {
    PtzInfo info;
    (void)onvif::read_system_date_and_time(body);
    onvif::read_device_information(body, info);
    (void)onvif::read_services(body);
    (void)onvif::read_capabilities(body);
    (void)onvif::read_profiles(body);
    (void)onvif::read_stream_uri(body);
    onvif::read_configuration_options(body, info);
    onvif::read_node(body, info);
    (void)onvif::read_status(body);
    (void)onvif::read_presets(body);
    (void)onvif::read_preset_token(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    SoapReply reply;
    reply.status = size > 0 ? statuses[data[0] % statuses.size()] : 200;
    if (size > 0) input.remove_prefix(1);
    auto line_end = input.find('\n');
    reply.www_authenticate = std::string(input.substr(0, line_end));
    reply.body = line_end == std::string_view::npos ? std::string() : std::string(input.substr(line_end + 1));

    if (auto parsed = read_reply(reply, "Fuzz")) read_everything(parsed->body);

    ClientOptions options;
    options.call_timeout = std::chrono::milliseconds(10);
    SoapSession session(OnvifSettings{"http://127.0.0.1:9/onvif/device_service", "admin", std::string(password), ""},
                        std::make_shared<OneReply>(reply), options);
    auto result = session.call("http://127.0.0.1:9/onvif/ptz_service", ns::ptz, "GetStatus", onvif::get_status("P"));
    if (!result) {
        const Error& e = result.error();
        FUZZ_CHECK(e.message.find(password) == std::string::npos, "the password in an error message");
        for (std::size_t n = 4; n < password.size(); ++n)  // a cut through the password
            FUZZ_CHECK(e.message.find(std::string(password.substr(0, n)) + "...") == std::string::npos,
                       "part of the password in an error message");
        FUZZ_CHECK(e.message.find('\n') == std::string::npos && e.message.find('\r') == std::string::npos,
                   "an error message over two lines");
    } else {
        read_everything(result->body);
    }
    return 0;
}
