// /healthz (the process is alive) and /readyz (Kafka, PostgreSQL and Redis
// answer).
#include <chrono>

#include "context.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/redis/pool.hpp"

namespace st::api {

void add_health_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/healthz", [](const http::Request&) { return http::json(200, R"({"status":"ok"})"); });

  router.add("GET", "/readyz", [&ctx](const http::Request&) {
    using namespace std::chrono_literals;
    std::string body = "{\"checks\":{";
    bool ready = true;
    auto add = [&](std::string_view name, const Status& st, bool first) {
      if (!first) body.push_back(',');
      append_json_string(body, name);
      body += st ? ":{\"ok\":true}" : ":{\"ok\":false,\"error\":";
      if (!st) {
        append_json_string(body, st.error().message);
        body.push_back('}');
        ready = false;
      }
    };
    Status pg_status;
    if (auto lease = ctx.db.acquire(); !lease) {
      pg_status = std::unexpected(lease.error());
    } else if (auto r = (*lease)->exec("SELECT 1"); !r) {
      pg_status = std::unexpected(r.error());
    }
    add("postgres", pg_status, true);

    Status redis_status;
    if (auto client = ctx.redis.acquire(); !client) {
      redis_status = std::unexpected(client.error());
    } else {
      redis_status = (*client)->ping();
    }
    add("redis", redis_status, false);
    add("kafka", ctx.kafka_admin.ping(1000ms), false);
    body += "},\"status\":";
    body += ready ? "\"ready\"}" : "\"not ready\"}";
    return http::json(ready ? 200 : 503, std::move(body));
  });
}

}  // namespace st::api
