#include "provider_health_store.hpp"

#include "stocktracker/base/log.hpp"
#include "stocktracker/model/redis_keys.hpp"

namespace st::ingest {

std::vector<std::pair<std::string, std::string>> health_fields(const providers::ProviderHealth& h, EpochMs now) {
  const auto number = [](std::optional<std::int64_t> v) { return v ? std::to_string(*v) : std::string(); };
  const auto time = [](EpochMs t) { return t > 0 ? std::to_string(t) : std::string(); };
  return {{"provider", std::string(model::to_string(h.provider))},
          {"state", std::string(model::to_string(h.state))},
          {"quota_left", std::to_string(h.quota_left)},
          {"quota_left_minute", number(h.quota_left_minute)},
          {"quota_left_day", number(h.quota_left_day)},
          {"quota", h.quota},
          {"last_success_ts", time(h.last_success_ts)},
          {"last_error", h.last_error},
          {"benched_until", time(h.benched_until)},
          {"backoff_until", time(h.backoff_until)},
          {"requests", std::to_string(h.requests)},
          {"failures", std::to_string(h.failures)},
          {"rate_limited", std::to_string(h.rate_limited)},
          {"updated_ts", std::to_string(now)}};
}

void HealthStore::publish(const std::vector<providers::ProviderHealth>& health, EpochMs now) {
  if (target_.host.empty()) return;
  if (!client_ || !client_->ok()) {
    client_.reset();
    auto c = redis::Client::connect(target_.host, target_.port, target_.db, target_.password,
                                    std::chrono::milliseconds(500));
    if (!c) {
      if (!warned_) log::warn("provider health not published to Redis", {{"error", c.error().message}});
      warned_ = true;
      return;
    }
    client_ = std::move(*c);
  }
  for (const auto& h : health) {
    std::string key(model::redis_key::kProviderHealthPrefix);
    key += model::to_string(h.provider);
    if (auto st = client_->replace_hash(key, health_fields(h, now), ttl_); !st) {
      if (!warned_) log::warn("provider health not published to Redis", {{"error", st.error().message}});
      warned_ = true;
      return;
    }
  }
  warned_ = false;
}

}  // namespace st::ingest
