#include "ws_feed.hpp"

#include "session.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"
#include "ws_protocol.hpp"

namespace st::api {
namespace {

using namespace std::chrono_literals;

void dispatch(WsHub& hub, const kafka::Message& m) {
  // Messages that do not decode are the store's and notify's to dead-letter.
  const auto topic = m.topic();
  if (topic == model::topic::kPriceCandles5m) {
    if (auto c = model::decode_candle(m.payload())) {
      hub.publish_symbol_deferred(c->symbol, ws::candle_key(*c), [&] { return ws::candle_frame(*c); });
    }
  } else if (topic == model::topic::kStockAlerts) {
    if (auto a = model::decode_alert(m.payload())) {
      hub.publish_user(a->user_id, [&] { return ws::alert_frame(*a); });
    }
  } else if (topic == model::topic::kNotifications) {
    if (auto n = model::decode_notification(m.payload())) {
      hub.publish_user(n->user_id, [&] { return ws::notification_frame(*n); });
    }
  }
}

Result<std::vector<kafka::TopicPartition>> ends_of_topics(const std::string& bootstrap) {
  auto admin = kafka::Admin::create(bootstrap);
  if (!admin) return std::unexpected(admin.error());
  std::vector<kafka::TopicPartition> all;
  for (const auto topic : {model::topic::kPriceCandles5m, model::topic::kStockAlerts, model::topic::kNotifications}) {
    auto ends = (*admin)->end_offsets(std::string(topic), 10s);
    if (!ends) return std::unexpected(ends.error());
    all.insert(all.end(), ends->begin(), ends->end());
  }
  return all;
}

}  // namespace

void publish_tick(WsHub& hub, const model::PriceTick& tick) {
  hub.publish_symbol_deferred(tick.symbol, ws::tick_key(tick.symbol), [&] { return ws::tick_frame(tick); });
}

void end_tick_batch() { WsHub::flush_deferred(); }

void run_ws_feed(const std::string& bootstrap, WsHub& hub, std::stop_token stop) {
  auto backoff = 500ms;
  while (!stop.stop_requested()) {
    auto ends = ends_of_topics(bootstrap);
    auto reader = kafka::Consumer::create(bootstrap, "stocktracker-api-ws", {});
    if (!ends || !reader || !(*reader)->assign(*ends)) {
      log::warn("websocket feed not started; retrying", {{"error", !ends ? ends.error().message : "consumer"}});
      sleep_unless_stopped(backoff, stop);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10s));
      continue;
    }
    log::info("websocket feed following candles, alerts and notifications");
    while (!stop.stop_requested()) {
      for (auto& m : (*reader)->poll_batch(10000, 200ms)) {
        if (!m.error()) dispatch(hub, m);
      }
      WsHub::flush_deferred();  // the batch's candles
    }
    (*reader)->close();
  }
}

void run_ws_sweeper(Context& ctx, WsHub& hub, std::chrono::milliseconds stall_limit,
                    std::chrono::milliseconds revocation_interval, std::stop_token stop) {
  auto next_revocation_check = std::chrono::steady_clock::now() + revocation_interval;
  while (sleep_unless_stopped(std::min(revocation_interval, std::chrono::milliseconds(1s)), stop)) {
    const auto now = std::chrono::steady_clock::now();
    hub.sweep(ctx.clock.now_ms() / 1000, now, stall_limit);
    if (now < next_revocation_check) continue;
    next_revocation_check = now + revocation_interval;
    // One EXISTS per distinct token of this process's connections; logout
    // in any api instance reaches them within one interval.
    for (const auto& jti : hub.token_ids()) {
      if (token_revoked(ctx, jti)) hub.revoke(jti);
    }
  }
}

}  // namespace st::api
