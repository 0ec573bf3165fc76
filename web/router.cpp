#include "router.hpp"

#include <array>

#include "auth.hpp"
#include "request_guard.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "static_files.hpp"

namespace ptzgrab::web {
namespace {

using std::chrono::steady_clock;
using verb = http::verb;

enum class Methods { read, post };  // read: GET and HEAD

struct Route {
    std::string_view path;
    Methods methods;
    void (*serve)(ServerContext&, const Target&, const Reply&);
};

const std::array<Route, 17> exact_routes{{
    {"/stream/snapshot", Methods::read, serve_snapshot},
    {"/stream/mjpeg", Methods::read, serve_mjpeg},
    {"/stream/view", Methods::read, serve_view},
    {"/stream/cache", Methods::read, [](ServerContext& c, const Target&, const Reply& r) { serve_cache(c, r); }},
    {"/stream/cache/clear", Methods::post, serve_cache_clear},
    {"/stream/info", Methods::read, [](ServerContext& c, const Target&, const Reply& r) { serve_info(c, r); }},
    {"/metrics", Methods::read, [](ServerContext& c, const Target&, const Reply& r) { serve_metrics(c, r); }},
    {"/ptz/info", Methods::read, serve_ptz_info},
    {"/ptz/status", Methods::read, serve_ptz_status},
    {"/ptz/presets", Methods::read, serve_ptz_presets},
    {"/ptz/presets", Methods::post, serve_ptz_set_preset},  // one path, two methods: list, or save one
    {"/ptz/presets/remove", Methods::post, serve_ptz_remove_preset},
    {"/ptz/move", Methods::post, serve_ptz_move},
    {"/ptz/stop", Methods::post, serve_ptz_stop},
    {"/ptz/goto", Methods::post, serve_ptz_goto},
    {"/ptz/home", Methods::post, serve_ptz_home},
    {"/ptz/home/set", Methods::post, serve_ptz_set_home},
}};

bool allowed(Methods methods, verb method) {
    return methods == Methods::post ? method == verb::post : method == verb::get || method == verb::head;
}

std::string_view allow_text(Methods methods) { return methods == Methods::post ? "POST" : "GET, HEAD"; }

Response method_not_allowed(Methods methods) {
    auto res = text_response(http::status::method_not_allowed, "method not allowed");
    res.set(http::field::allow, allow_text(methods));
    return res;
}

// The routes of `path` (a path may answer reads and POSTs with two routes): the one for `method`,
// else a 405 naming every method the path takes; false when no route has this path.
bool serve_route(ServerContext& ctx, const std::string& path, verb method, const Target& target, const Reply& reply) {
    std::string allow;
    for (const Route& route : exact_routes) {
        if (path != route.path) continue;
        if (allowed(route.methods, method)) {
            route.serve(ctx, target, reply);
            return true;
        }
        allow += (allow.empty() ? "" : ", ") + std::string(allow_text(route.methods));
    }
    if (allow.empty()) return false;
    auto res = text_response(http::status::method_not_allowed, "method not allowed");
    res.set(http::field::allow, allow);
    reply(std::move(res));
    return true;
}

// From memory, never the disk (see static_files.hpp); 304 when the browser holds the same bytes.
void serve_asset(const ServerContext& ctx, const Request& request, std::string_view rel, const Reply& reply) {
    auto asset = ctx.assets.find(rel);
    if (!asset) {
        bool bad = asset.error().kind == ErrorKind::invalid_input;
        return reply(text_response(bad ? http::status::bad_request : http::status::not_found, asset.error().message));
    }
    const Asset& file = **asset;
    auto if_none_match = request.find(http::field::if_none_match);
    bool unchanged = if_none_match != request.end() && etag_matches(if_none_match->value(), file.etag);
    auto res = unchanged ? make_response(http::status::not_modified, file.content_type, {})
                         : make_response(http::status::ok, file.content_type, body_from(file.bytes));
    if (unchanged) res.erase(http::field::content_type);
    res.set(http::field::etag, file.etag);
    res.set(http::field::cache_control, "no-cache");  // a new start may bring new files: revalidate (cheap: 304)
    reply(std::move(res));
}

// "/?a=1&token=T&b=2" -> "/stream/view?a=1&b=2": the token never goes into a Location header.
std::string view_location(std::string_view raw_target) {
    size_t q = raw_target.find('?');
    std::string location = "/stream/view";
    if (q == std::string_view::npos) return location;
    std::string_view query = raw_target.substr(q + 1);
    query = query.substr(0, query.find('#'));
    char separator = '?';
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto key = percent_decode(pair.substr(0, pair.find('=')), true);
        if (pair.empty() || !key || *key == "token") continue;
        location += separator;
        location += pair;
        separator = '&';
    }
    return location;
}

// A page of another site reaching in: by DNS rebinding (a foreign Host), or by a cross-site write.
std::optional<Refusal> browser_attack(const Request& request, const HostPolicy& hosts) {
    if (auto refusal = check_host_allowed(request, hosts)) return refusal;
    return check_same_origin_write(request);
}

// "/latest/NAME.jpg" -> NAME (decoded); nullopt when the path is not of that shape.
std::optional<std::string> latest_name(std::string_view path) {
    constexpr std::string_view prefix = "/latest/", suffix = ".jpg";
    if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size())
        return std::nullopt;
    return percent_decode(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()), false);
}

}  // namespace

void Router::handle(const Request& request, Reply reply) const {
    auto started = steady_clock::now();
    Reply finish = [this, head = RequestFacts(request), started, reply = std::move(reply)](Answer answer) {
        Response& res = answer.head;
        if (answer.stream && head.method != verb::head) {
            res.version(head.version);
            res.keep_alive(false);  // the body runs until the connection ends
        } else if (answer.frame) {
            answer.stream.reset();
            finish_prepared_for(head, res);
        } else {
            answer.stream.reset();
            finish_for(head, res);
        }
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - started);
        context_.metrics.record_request(res.result_int());
        context_.log(access_log_line(head.method_text, head.target, res.result_int(), res.body().size, elapsed,
                                     context_.token));
        reply(std::move(answer));
    };
    dispatch(request, finish);
}

void Router::stop_streams() const { context_.viewers.stop_all(); }

void Router::dispatch(const Request& request, const Reply& reply) const {
    auto target = parse_target(request.target());
    if (!target) return reply(text_response(http::status::bad_request, target.error().message));
    const std::string& path = target->path;
    verb method = request.method();
    if (auto refusal = check_host_present(request)) return reply(text_response(refusal->status, refusal->reason));
    // Open without the token and under any Host name: load balancers and probes ask it, with odd Hosts.
    if (path == "/healthz") {
        if (!allowed(Methods::read, method)) return reply(method_not_allowed(Methods::read));
        return reply(text_response(http::status::ok, "ok"));
    }
    if (auto refusal = browser_attack(request, context_.hosts))
        return reply(text_response(refusal->status, refusal->reason));
    // Assets are the page's public code and the demo clip, never frames or secrets; open, so
    // that the view page's <script> and player work under --token without echoing the token.
    if (path.starts_with("/assets/")) {
        if (!allowed(Methods::read, method)) return reply(method_not_allowed(Methods::read));
        return serve_asset(context_, request, std::string_view(path).substr(8), reply);
    }
    if (!is_authorized(request, *target, context_.token)) {
        auto res = text_response(http::status::unauthorized, "a token is required (Authorization: Bearer, or ?token=)");
        res.set(http::field::www_authenticate, "Bearer");
        return reply(std::move(res));
    }
    if (auto refusal = check_same_site_adhoc(request, path == "/stream/snapshot" && target->find("url")))
        return reply(text_response(refusal->status, refusal->reason));
    if (serve_route(context_, path, method, *target, reply)) return;
    bool is_latest = path == "/latest.jpg" || latest_name(path).has_value();
    bool is_root = path == "/";
    if ((is_latest || is_root) && !allowed(Methods::read, method))
        return reply(method_not_allowed(Methods::read));
    if (path == "/latest.jpg") return serve_latest(context_, {}, reply);
    if (auto name = latest_name(path)) return serve_latest(context_, *name, reply);
    if (is_root) {
        // A ?token= cannot follow a redirect without being echoed in Location; answer the page here.
        if (target->find("token")) return serve_view(context_, *target, reply);
        auto res = text_response(http::status::found, "see /stream/view");
        res.set(http::field::location, view_location(request.target()));
        return reply(std::move(res));
    }
    reply(text_response(http::status::not_found, "not found"));
}

}  // namespace ptzgrab::web
