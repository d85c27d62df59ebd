#pragma once
// The admin HTTP listener of the services without a REST API (ingest,
// process, store, notify): GET /healthz (the process lives), GET /readyz
// (its PostgreSQL and Kafka answer) and GET /metrics (Prometheus text of
// metrics::default_registry()), on a port of its own (`--metrics-port`),
// so probes and scrapes never share a thread with the service's loop.
#include <cstdint>
#include <memory>
#include <string>

#include "stocktracker/base/error.hpp"

namespace st::http {
class Server;
}

namespace st::admin {

struct AdminOptions {
  std::string service;  // "store": the `service` label of the metrics
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;        // 0: a free port (tests)
  std::string database_url;      // empty: no PostgreSQL check
  std::string kafka_bootstrap;   // empty: no Kafka check
};

/// Serves until the returned server is stopped or destroyed.
Result<std::unique_ptr<http::Server>> start_admin_listener(const AdminOptions& options);

}  // namespace st::admin
