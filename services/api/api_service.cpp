#include "api_service.hpp"

#include <chrono>
#include <thread>

#include "context.hpp"
#include "outbox_relay.hpp"
#include "quote_book.hpp"
#include "stocktracker/auth/jwt.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/redis/pool.hpp"

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
  Context ctx{s, pool, **admin, redis, tokens, clock, relay, quotes};

  http::Router router;
  add_health_routes(router, ctx);
  add_company_routes(router, ctx);
  add_auth_routes(router, ctx);
  add_user_routes(router, ctx);
  add_alert_rule_routes(router, ctx);
  add_notification_routes(router, ctx);
  add_news_routes(router, ctx);
  add_indicator_routes(router, ctx);
  add_quote_routes(router, ctx);

  http::ServerOptions server_options;
  server_options.host = s.api_host;
  server_options.port = s.api_port;
  server_options.threads = options.threads;
  auto server = http::Server::start(server_options, std::move(router));
  if (!server) return std::unexpected(server.error());
  log::info("api listening", {{"host", s.api_host}, {"port", static_cast<std::int64_t>((*server)->port())}});
  std::jthread relay_thread([&relay](std::stop_token relay_stop) {
    log::set_thread_service("api");
    relay.run(relay_stop);
  });
  std::jthread quote_thread([&s, &quotes](std::stop_token quote_stop) {
    log::set_thread_service("api");
    run_quote_feed(s.database_url, s.kafka_bootstrap_servers, quotes, quote_stop);
  });
  if (on_listening) on_listening((*server)->port());
  while (sleep_unless_stopped(std::chrono::milliseconds(500), stop)) {
  }
  (*server)->stop();
  relay_thread.request_stop();
  relay_thread.join();
  quote_thread.request_stop();
  quote_thread.join();
  log::info("api stopped");
  return {};
}

}  // namespace st::api
