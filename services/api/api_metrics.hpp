#pragma once
// The API's Prometheus metrics (names in docs/architecture.md, "Metrics"):
// requests and their latency by route pattern and status, and the errors
// of PostgreSQL, Redis and Kafka calls. All go to metrics::default_registry().
#include <string_view>

#include "stocktracker/http/http.hpp"

namespace st::api {

/// Router middleware counting each routed request
/// (stocktracker_http_requests_total{method,route,status}) and timing it
/// (stocktracker_http_request_duration_seconds{method,route}). The route is
/// the matched pattern, "unmatched" for a 404/405, so the label set stays
/// small whatever paths clients send.
http::Middleware metrics_middleware();

enum class Dependency { kPostgres, kRedis, kKafka };

/// One failed call to a dependency: stocktracker_dependency_errors_total
/// {service="api",dependency}.
void count_dependency_error(Dependency dependency);

}  // namespace st::api
