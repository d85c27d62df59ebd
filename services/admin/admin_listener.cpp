#include "admin_listener.hpp"

#include <chrono>
#include <mutex>

#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/http/http.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/metrics/metrics.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::admin {
namespace {

using namespace std::chrono_literals;

/// The Kafka probe: one admin client, made on the first check and kept.
class KafkaProbe {
 public:
  explicit KafkaProbe(std::string bootstrap) : bootstrap_(std::move(bootstrap)) {}
  Status check() {
    std::lock_guard lock(mutex_);
    if (!admin_) {
      auto admin = kafka::Admin::create(bootstrap_);
      if (!admin) return std::unexpected(admin.error());
      admin_ = std::move(*admin);
    }
    return admin_->ping(1000ms);
  }

 private:
  std::string bootstrap_;
  std::mutex mutex_;
  std::unique_ptr<kafka::Admin> admin_;
};

Status postgres_check(const std::string& url) {
  // A fresh connection per probe: it tests what the service needs (that a
  // connection can be made), and probes come seconds apart.
  auto conn = pg::Connection::connect(url);
  if (!conn) return std::unexpected(conn.error());
  if (auto rows = conn->exec("SELECT 1"); !rows) return std::unexpected(rows.error());
  return {};
}

}  // namespace

Result<std::unique_ptr<http::Server>> start_admin_listener(const AdminOptions& options) {
  auto& registry = metrics::default_registry();
  registry.gauge("stocktracker_process_start_time_seconds", "Start time of the process, seconds since the epoch.",
               {"service"})
      .with({options.service})
      .set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()));
  auto kafka = options.kafka_bootstrap.empty() ? nullptr : std::make_shared<KafkaProbe>(options.kafka_bootstrap);

  http::Router router;
  router.add("GET", "/healthz", [](const http::Request&) { return http::json(200, R"({"status":"ok"})"); });
  router.add("GET", "/readyz", [database_url = options.database_url, kafka](const http::Request&) {
    std::string body = "{\"checks\":{";
    bool ready = true;
    bool first = true;
    const auto add = [&](std::string_view name, const Status& st) {
      if (!first) body.push_back(',');
      first = false;
      append_json_string(body, name);
      if (st) {
        body += ":{\"ok\":true}";
      } else {
        ready = false;
        body += ":{\"ok\":false,\"error\":";
        append_json_string(body, st.error().message);
        body.push_back('}');
      }
    };
    if (!database_url.empty()) add("postgres", postgres_check(database_url));
    if (kafka) add("kafka", kafka->check());
    body += "},\"status\":";
    body += ready ? "\"ready\"}" : "\"not ready\"}";
    return http::json(ready ? 200 : 503, std::move(body));
  });
  router.add("GET", "/metrics", [](const http::Request&) {
    http::Response res;
    res.content_type = std::string(metrics::kContentType);
    res.body = metrics::default_registry().expose();
    return res;
  });
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = 1;
  server_options.body_limit = 1024;  // probes and scrapes send no body
  return http::Server::start(server_options, std::move(router));
}

}  // namespace st::admin
