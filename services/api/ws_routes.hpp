#pragma once
// /ws: the upgrade (Origin allow-list, then an access token in
// Sec-WebSocket-Protocol or Authorization, or a single-use ticket from
// POST /api/ws/ticket), and the handler of each connection's messages.
// docs/websocket.md describes the protocol.
#include <chrono>
#include <cstdint>

#include "context.hpp"
#include "stocktracker/http/websocket.hpp"
#include "ws_hub.hpp"

namespace st::api {

struct WsPolicy {
  http::WsLimits limits;
  std::uint32_t messages_per_second = 20;  // more: closed with 1008
  int invalid_messages = 5;                // more (in total): closed with 1008
  std::chrono::seconds ticket_lifetime{30};
};

/// POST /api/ws/ticket: a single-use ticket for the caller, kept in Redis
/// for `policy.ticket_lifetime`.
void add_ws_ticket_route(http::Router& router, Context& ctx, const WsPolicy& policy);

/// The /ws endpoint; connections register in `hub`.
http::WsEndpoint ws_endpoint(Context& ctx, WsHub& hub, const WsPolicy& policy);

/// Redis key of a ticket: ws:ticket:<sha256> (the ticket itself is never stored).
std::string ticket_key(std::string_view ticket);

}  // namespace st::api
