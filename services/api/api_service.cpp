#include "api_service.hpp"

#include <chrono>
#include <thread>

#include "company_cache.hpp"
#include "context.hpp"
#include "outbox_relay.hpp"
#include "quote_book.hpp"
#include "stocktracker/auth/jwt.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/redis/pool.hpp"
#include "ws_feed.hpp"
#include "ws_protocol.hpp"
#include "ws_routes.hpp"

namespace st::api {

Status run_api(const ApiOptions& options, std::stop_token stop, const std::function<void(std::uint16_t)>& on_listening) {
  const auto& s = options.settings;
  pg::Pool pool(s.database_url, options.db_pool_size);
  auto admin = kafka::Admin::create(s.kafka_bootstrap_servers);
  if (!admin) return std::unexpected(admin.error());
  redis::Pool redis({s.redis.host, s.redis.port, s.redis_db, s.redis_password, std::chrono::milliseconds(500)},
                    static_cast<std::size_t>(options.threads));
  const Clock& clock = SystemClock::instance();
  const auth::TokenService tokens(s.jwt_secret, clock);
  OutboxRelay relay(s.database_url, s.kafka_bootstrap_servers);
  QuoteBook quotes;
  CompanyCache companies(&redis, clock);
  Context ctx{s, pool, **admin, redis, tokens, clock, relay, quotes, &companies};

  http::Router router = make_api_router(ctx);
  WsHub hub(ws::kMaxSymbols);
  const WsPolicy ws_policy;
  add_ws_ticket_route(router, ctx, ws_policy);

  http::ServerOptions server_options;
  server_options.host = s.api_host;
  server_options.port = s.api_port;
  server_options.threads = options.threads;
  auto server = http::Server::start(server_options, std::move(router), {ws_endpoint(ctx, hub, ws_policy)});
  if (!server) return std::unexpected(server.error());
  log::info("api listening", {{"host", s.api_host}, {"port", static_cast<std::int64_t>((*server)->port())}});
  std::jthread relay_thread([&relay](std::stop_token relay_stop) {
    log::set_thread_service("api");
    relay.run(relay_stop);
  });
  std::jthread quote_thread([&s, &quotes, &hub](std::stop_token quote_stop) {
    log::set_thread_service("api");
    run_quote_feed(s.database_url, s.kafka_bootstrap_servers, quotes, quote_stop,
                   [&hub](const model::PriceTick& tick) { publish_tick(hub, tick); }, end_tick_batch);
  });
  std::jthread ws_feed_thread([&s, &hub](std::stop_token feed_stop) {
    log::set_thread_service("api");
    run_ws_feed(s.kafka_bootstrap_servers, hub, feed_stop);
  });
  std::jthread ws_sweeper_thread([&ctx, &hub](std::stop_token sweep_stop) {
    log::set_thread_service("api");
    run_ws_sweeper(ctx, hub, std::chrono::seconds(10), std::chrono::seconds(5), sweep_stop);
  });
  if (on_listening) on_listening((*server)->port());
  while (sleep_unless_stopped(std::chrono::milliseconds(500), stop)) {
  }
  (*server)->stop();
  relay_thread.request_stop();
  relay_thread.join();
  quote_thread.request_stop();
  quote_thread.join();
  ws_feed_thread.request_stop();
  ws_feed_thread.join();
  ws_sweeper_thread.request_stop();
  ws_sweeper_thread.join();
  hub.clear();  // before the server (and its io_context) goes
  log::info("api stopped");
  return {};
}

}  // namespace st::api
