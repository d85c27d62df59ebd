#pragma once
// What feeds /ws: one Kafka reader per api process for candles, alerts and
// notifications (ticks come through the quote feed's reader, so each topic
// is read once per process whatever the number of connections), and the
// sweeper that closes expired, revoked and stalled connections.
#include <chrono>
#include <stop_token>
#include <string>

#include "context.hpp"
#include "stocktracker/model/messages.hpp"
#include "ws_hub.hpp"

namespace st::api {

/// Queues a tick on the connections following its symbol (conflated per
/// symbol). Called by the quote feed for every tick it reads; the writes
/// start at end_tick_batch(), called after each batch the feed polled, so a
/// connection writes a batch's ticks together.
void publish_tick(WsHub& hub, const model::PriceTick& tick);
void end_tick_batch();

/// Follows price-candles-5m, stock-alerts and notifications from their end
/// (read_committed: the processor writes transactionally; no consumer
/// group: every api instance reads every partition) until `stop`.
void run_ws_feed(const std::string& bootstrap, WsHub& hub, std::stop_token stop);

/// Once a second closes connections whose token expired or whose peer
/// stopped reading for `stall_limit`; every `revocation_interval` asks Redis
/// which open connections' tokens were logged out and closes those.
void run_ws_sweeper(Context& ctx, WsHub& hub, std::chrono::milliseconds stall_limit,
                    std::chrono::milliseconds revocation_interval, std::stop_token stop);

}  // namespace st::api
