#pragma once
// Publishes provider health to Redis (model/redis_keys.hpp) for
// GET /api/providers. Best effort: when Redis is down the health is not
// published (a warning, once per outage) and ingest carries on; the next
// interval tries again with a fresh connection. One polling thread owns it.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "providers/failover.hpp"
#include "stocktracker/redis/client.hpp"

namespace st::ingest {

struct RedisTarget {
  std::string host;  // empty: health is not published
  int port = 6379;
  int db = 0;
  std::string password;
};

/// The hash fields of one provider's health; times are UTC epoch ms, an
/// absent value (no per-day limit, never succeeded) is an empty string.
std::vector<std::pair<std::string, std::string>> health_fields(const providers::ProviderHealth& h, EpochMs now);

class HealthStore {
 public:
  HealthStore(RedisTarget target, std::chrono::seconds ttl) : target_(std::move(target)), ttl_(ttl) {}

  void publish(const std::vector<providers::ProviderHealth>& health, EpochMs now);

 private:
  RedisTarget target_;
  std::chrono::seconds ttl_;
  std::optional<redis::Client> client_;
  bool warned_ = false;
};

}  // namespace st::ingest
