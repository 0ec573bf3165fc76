#include "responses.hpp"

#include <ctime>
#include <cstdio>

#include "core/json_text.hpp"

namespace ptzgrab::web {

SharedBody::value_type body_from(std::string text) {
    auto owner = std::make_shared<const std::string>(std::move(text));
    return {owner, owner->data(), owner->size()};
}

SharedBody::value_type body_from(std::shared_ptr<const std::vector<uint8_t>> bytes) {
    if (!bytes) return {};
    const void* data = bytes->data();
    size_t size = bytes->size();
    return {std::move(bytes), data, size};
}

SharedBody::value_type body_from(std::vector<uint8_t> bytes) {
    return body_from(std::make_shared<const std::vector<uint8_t>>(std::move(bytes)));
}

std::string_view body_view(const Response& response) {
    return {static_cast<const char*>(response.body().data), response.body().size};
}

Response make_response(http::status status, std::string_view content_type, SharedBody::value_type body) {
    Response res{status, 11};
    res.set(http::field::server, "ptzgrab/" PTZGRAB_VERSION);
    res.set(http::field::content_type, content_type);
    res.set("X-Content-Type-Options", "nosniff");  // a JPEG or a text answer is never run as a script
    res.body() = std::move(body);
    return res;
}

Response text_response(http::status status, std::string text) {
    return make_response(status, "text/plain; charset=utf-8", body_from(std::move(text) + "\n"));
}

Response json_response(http::status status, const boost::json::value& json) {
    auto res = make_response(status, "application/json", body_from(json_text(json) + "\n"));
    res.set(http::field::cache_control, "no-store");
    return res;
}

Response jpeg_response(http::status status, SharedBody::value_type jpeg) {
    auto res = make_response(status, "image/jpeg", std::move(jpeg));
    res.set(http::field::cache_control, "no-store");
    return res;
}

http::status status_for(const Error& error) {
    switch (error.kind) {
    case ErrorKind::timeout: return http::status::gateway_timeout;
    case ErrorKind::ffmpeg_missing:
    case ErrorKind::busy:
    case ErrorKind::cancelled: return http::status::service_unavailable;
    case ErrorKind::invalid_input: return http::status::bad_request;
    case ErrorKind::not_found: return http::status::not_found;
    case ErrorKind::unsupported: return http::status::conflict;
    default: return http::status::bad_gateway;
    }
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    if (ms % 1000 < 0) --seconds;
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[48];
    size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(((ms % 1000) + 1000) % 1000));
    return text;
}

std::string_view cache_state(const Snapshot& snapshot) {
    if (snapshot.stale) return "stale";
    if (snapshot.refreshing) return "refreshing";
    if (snapshot.live) return "live";
    return snapshot.from_cache ? "hit" : "miss";
}

void set_frame_headers(Response& res, const Snapshot& snapshot) {
    auto age = snapshot.age;
    res.set("X-Frame-Grabbed-At", rfc3339_utc(snapshot.frame.grabbed_at));
    res.set("X-Frame-Age-Ms", std::to_string(std::max<int64_t>(0, age.count())));
    res.set("X-Cache", cache_state(snapshot));
    if (snapshot.live) res.set("X-Frame-Sequence", std::to_string(snapshot.sequence));
    res.set("X-Source-Status", snapshot.stale ? "offline" : "online");
    if (snapshot.stale && snapshot.refresh_error) res.set("X-Grab-Error", to_string(snapshot.refresh_error->kind));
    res.set(http::field::cache_control, "no-store");
}

std::optional<FrameLines> frame_lines(const Snapshot& snapshot) {
    Snapshot fixed = snapshot;
    fixed.stale = false;
    fixed.refresh_error.reset();
    auto res = jpeg_response(http::status::ok, body_from(snapshot.jpeg));
    set_frame_headers(res, fixed);
    res.content_length(res.body().size);
    FrameLines lines;
    enum class Part { before_age, age, after_cache } part = Part::before_age;
    for (const auto& field : res) {
        std::string line = std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
        if (field.name() == http::field::content_length) {
            lines.content_length = std::move(line);
        } else if (field.name_string() == "X-Frame-Age-Ms" && part == Part::before_age) {
            lines.before_age += "X-Frame-Age-Ms: ";
            part = Part::age;
        } else if (part == Part::age) {
            if (field.name_string() != "X-Cache") return std::nullopt;
            part = Part::after_cache;
        } else {
            (part == Part::before_age ? lines.before_age : lines.after_cache) += line;
        }
    }
    if (part != Part::after_cache || lines.content_length.empty()) return std::nullopt;
    return lines;
}

void set_card_headers(Response& res, const Error& error) {
    res.set("X-Cache", "miss");
    res.set("X-Source-Status", "offline");
    res.set("X-Grab-Error", to_string(error.kind));
    res.set(http::field::cache_control, "no-store");
}

void finish_for(const RequestFacts& request, Response& res) {
    res.version(request.version);
    res.keep_alive(request.keep_alive);
    if (res.result() == http::status::not_modified) {  // no body, and no Content-Length: 0 (RFC 9110 8.6)
        res.body() = {};
        return;
    }
    res.content_length(res.body().size);
    if (request.method == http::verb::head) res.body() = {};
}

void finish_prepared_for(const RequestFacts& request, Response& res) {
    res.version(request.version);
    res.keep_alive(request.keep_alive);
    if (request.method == http::verb::head) res.body() = {};
}

}  // namespace ptzgrab::web
