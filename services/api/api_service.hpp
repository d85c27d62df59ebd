#pragma once
// `stocktracker api`: the REST API (health, readiness, companies and price
// history, auth, users, tracked companies) on the shared HTTP server module,
// and the relay of the transactional outbox to Kafka.
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "stocktracker/base/error.hpp"
#include "stocktracker/config/settings.hpp"

namespace st::api {

struct ApiOptions {
  config::Settings settings;
  int threads = 4;
  std::size_t db_pool_size = 8;
};

/// Serves until `stop` is requested. Calls `on_listening(port)` once the
/// socket is bound (port 0 picks a free one).
Status run_api(const ApiOptions& options, std::stop_token stop,
               const std::function<void(std::uint16_t)>& on_listening = {});

}  // namespace st::api
