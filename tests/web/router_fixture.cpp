#include "router_fixture.hpp"

#include <future>
#include <thread>

#include "core/fallback.hpp"
#include "web/response_wire.hpp"
#include "web/responses.hpp"

namespace ptzgrab::testing {

using namespace std::chrono;

SourceConfig RouterFixture::source(const std::string& name, const std::string& url) {
    SourceConfig s;
    s.name = name;
    s.grab.url = url;
    s.max_age = seconds(1);
    return s;
}

static std::vector<SourceConfig> or_default(std::vector<SourceConfig> sources) {
    if (sources.empty()) sources.push_back(RouterFixture::source("cam1"));
    return sources;
}

RouterFixture::RouterFixture(std::vector<SourceConfig> sources, std::string token, std::filesystem::path assets)
    : now_(system_clock::now()),
      cache(or_default(std::move(sources)),
            web::instrument([this](const GrabRequest& r, std::stop_token) { return fake_grab(r); }, metrics),
            minutes(5), [this] { return steady_now(); }),
      context{cache, metrics, nullptr, FfmpegInfo{true, "/usr/bin/ffmpeg", "5.1", ""}, "static",
              [] { return std::filesystem::path("static"); }, web::AssetStore::load(assets), std::move(token)},
      router(context) {
    context.log = [this](std::string_view line) {
        std::lock_guard lock(mutex_);
        log_.emplace_back(line);
    };
    context.now = [this] { return now(); };
}

RouterFixture::~RouterFixture() {
    cache.shutdown();
    if (adhoc) adhoc->shutdown();
}

void RouterFixture::enable_adhoc() {
    adhoc = std::make_unique<web::AdhocGrabs>([this](const GrabRequest& r, std::stop_token) { return fake_grab(r); });
    context.adhoc = adhoc.get();
}

Result<Frame> RouterFixture::fake_grab(const GrabRequest& request) {
    ++grabs_;
    std::optional<ErrorKind> failure;
    {
        std::lock_guard lock(mutex_);
        failure = failure_;
    }
    if (failure) return make_error(*failure, "fake failure of " + request.url, "fake stderr line");
    // A real JPEG (the core's own card) decoded into a real frame, stamped with the fake clock.
    auto jpeg = diagnostic_card("fake", Error{ErrorKind::no_frame, "test picture", {}}, now(), CardSize{640, 360});
    return decode_frame(jpeg, now());
}

system_clock::time_point RouterFixture::now() const {
    std::lock_guard lock(mutex_);
    return now_;
}

// The cache's steady clock, moved by advance() together with the wall clock.
std::chrono::steady_clock::time_point RouterFixture::steady_now() const {
    std::lock_guard lock(mutex_);
    return steady_start_ + (now_ - wall_start_);
}

void RouterFixture::fail_with(std::optional<ErrorKind> kind) {
    std::lock_guard lock(mutex_);
    failure_ = kind;
}

void RouterFixture::advance(milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
}

bool RouterFixture::wait_for_refreshes() const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        bool in_flight = false;
        for (const CacheStats& s : cache.stats()) in_flight |= s.grab_in_flight;
        if (!in_flight) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

std::vector<std::string> RouterFixture::log_lines() const {
    std::lock_guard lock(mutex_);
    return log_;
}

// A prepared frame answer as the client sees it: its wire head (as the connection writes it) and
// body parsed back, so the tests read its headers like any other answer's; status unknown when the
// bytes do not parse as one whole answer.
static web::Response as_sent(const web::Answer& answer, bool head_only) {
    std::string wire;
    web::write_head(answer, wire);
    wire.append(web::body_view(answer.head));
    web::http::response_parser<web::http::string_body> parser;
    parser.skip(head_only);
    parser.eager(true);
    boost::beast::error_code ec;
    std::string_view left = wire;
    while (!ec && !parser.is_done() && !left.empty()) left.remove_prefix(parser.put(boost::asio::buffer(left), ec));
    if (ec || !parser.is_done() || !left.empty()) return web::Response{web::http::status::unknown, 11};
    auto parsed = parser.release();
    web::Response res{parsed.result(), parsed.version()};
    for (const auto& field : parsed) res.insert(field.name_string(), field.value());
    if (parsed.body() != web::body_view(answer.head)) return web::Response{web::http::status::unknown, 11};
    res.body() = answer.head.body();  // the very buffer sent: tests check it is shared, not copied
    return res;
}

web::Response RouterFixture::call(const std::string& method, const std::string& target,
                                  const std::map<std::string, std::string>& headers) {
    web::Request request{web::http::string_to_verb(method), target, 11};
    request.set(web::http::field::host, "127.0.0.1:8080");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (request[web::http::field::host].empty()) request.erase(web::http::field::host);
    return send(request);
}

web::Response RouterFixture::send(const web::Request& request) {
    auto promise = std::make_shared<std::promise<web::Response>>();
    auto future = promise->get_future();
    bool head_only = request.method() == web::http::verb::head;
    router.handle(request, [promise, head_only](web::Answer answer) {
        promise->set_value(answer.frame ? as_sent(answer, head_only) : std::move(answer.head));
    });
    if (future.wait_for(seconds(10)) != std::future_status::ready) {
        web::Response none{web::http::status::unknown, 11};
        return none;
    }
    return future.get();
}

}  // namespace ptzgrab::testing
