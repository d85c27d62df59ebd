#include "api_metrics.hpp"

#include <chrono>

#include "stocktracker/metrics/metrics.hpp"

namespace st::api {
namespace {

struct HttpMetrics {
  metrics::Family<metrics::Counter>& requests = metrics::default_registry().counter(
      "stocktracker_http_requests_total", "HTTP requests answered by the API, by method, route pattern and status.",
      {"method", "route", "status"});
  metrics::Family<metrics::Histogram>& duration = metrics::default_registry().histogram(
      "stocktracker_http_request_duration_seconds",
      "Time from routing an API request to its answer (handler and middleware), by method and route pattern.",
      {"method", "route"}, metrics::latency_buckets());
};

HttpMetrics& http_metrics() {
  static HttpMetrics m;
  return m;
}

std::string_view dependency_name(Dependency d) {
  switch (d) {
    case Dependency::kPostgres:
      return "postgres";
    case Dependency::kRedis:
      return "redis";
    case Dependency::kKafka:
      return "kafka";
  }
  return "unknown";
}

}  // namespace

http::Middleware metrics_middleware() {
  auto& m = http_metrics();
  return [&m](http::Request& req, const http::Next& next) {
    const auto start = std::chrono::steady_clock::now();
    http::Response res = next(req);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    // Only methods the API knows become label values; anything else a
    // client invents is folded into one.
    const bool known_method = req.method == "GET" || req.method == "POST" || req.method == "PUT" ||
                              req.method == "DELETE" || req.method == "HEAD" || req.method == "OPTIONS";
    const std::string method = known_method ? req.method : "other";
    const std::string route = req.route.empty() ? "unmatched" : req.route;
    m.requests.with({method, route, std::to_string(res.status)}).inc();
    m.duration.with({method, route}).observe(took.count());
    return res;
  };
}

void count_dependency_error(Dependency dependency) {
  static auto& errors = metrics::default_registry().counter(
      "stocktracker_dependency_errors_total", "Failed calls to PostgreSQL, Redis or Kafka, by service and dependency.",
      {"service", "dependency"});
  errors.with({"api", dependency_name(dependency)}).inc();
}

}  // namespace st::api
