#pragma once
// The endpoints, each a function of the context and the request that answers through `reply`.
#include "http_types.hpp"
#include "query.hpp"
#include "reply.hpp"
#include "router.hpp"
#include "server_context.hpp"

namespace ptzgrab::web {

// frame_routes.cpp: pictures.
void serve_snapshot(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_latest(ServerContext& ctx, const std::string& source, const Reply& reply);

// mjpeg_route.cpp: the restream of a live source.
void serve_mjpeg(ServerContext& ctx, const Target& target, const Reply& reply);

// status_routes.cpp: state and settings.
void serve_cache(ServerContext& ctx, const Reply& reply);
void serve_cache_clear(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_info(ServerContext& ctx, const Reply& reply);
void serve_metrics(ServerContext& ctx, const Reply& reply);
void serve_view(ServerContext& ctx, const Target& target, const Reply& reply);

// ptz_routes.cpp: steering a source's camera (ServerContext::ptz); JSON, or a JPEG with then=snapshot.
void serve_ptz_info(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_status(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_presets(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_set_preset(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_remove_preset(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_move(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_stop(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_goto(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_home(ServerContext& ctx, const Target& target, const Reply& reply);
void serve_ptz_set_home(ServerContext& ctx, const Target& target, const Reply& reply);

/// The source a request names, or the first; null when unknown. Shared: a reload may replace the
/// sources while the request runs, and what it captures must stay valid.
std::shared_ptr<const SourceConfig> pick_source(const ServerContext& ctx, const Target& target);

}  // namespace ptzgrab::web
