#include "provider_metrics.hpp"

#include <string>

namespace st::ingest {
namespace {

double seconds(EpochMs ms) { return static_cast<double>(ms) / 1000.0; }

double breaker_value(providers::BreakerState s) {
  switch (s) {
    case providers::BreakerState::kClosed:
      return 0;
    case providers::BreakerState::kHalfOpen:
      return 1;
    case providers::BreakerState::kOpen:
      return 2;
  }
  return 2;
}

/// The health carries running totals; a counter only moves forward, so it
/// is raised by the difference (a restarted gate starts again from 0 in a
/// restarted process, whose counters start from 0 too).
void raise_to(metrics::Counter& c, std::uint64_t total) {
  if (total > c.value()) c.inc(total - c.value());
}

}  // namespace

void export_provider_metrics(const std::vector<providers::ProviderHealth>& health, metrics::Registry& registry) {
  auto& breaker = registry.gauge("stocktracker_provider_breaker_state",
                                 "Circuit breaker of a data provider: 0 closed, 1 half-open, 2 open (benched).",
                                 {"provider"});
  auto& quota = registry.gauge("stocktracker_provider_quota_left",
                               "Requests a data provider's quota allows now, in its per-minute and per-day limits.",
                               {"provider", "window"});
  auto& last_success = registry.gauge("stocktracker_provider_last_success_timestamp_seconds",
                                      "Time of a data provider's last successful answer (0: never).", {"provider"});
  auto& backoff = registry.gauge("stocktracker_provider_backoff_until_timestamp_seconds",
                                 "Until when a data provider is backed off after 429/5xx (0: not backing off).",
                                 {"provider"});
  auto& requests = registry.counter("stocktracker_provider_requests_total", "Requests sent to a data provider.",
                                    {"provider"});
  auto& failures = registry.counter("stocktracker_provider_failures_total", "Failed requests to a data provider.",
                                    {"provider"});
  auto& limited = registry.counter("stocktracker_provider_rate_limited_total",
                                   "Rate-limit answers (429, Alpha Vantage's Note) from a data provider.",
                                   {"provider"});
  for (const auto& h : health) {
    const std::string name(model::to_string(h.provider));
    breaker.with({name}).set(breaker_value(h.state));
    quota.with({name, "now"}).set(static_cast<double>(h.quota_left));
    if (h.quota_left_minute) quota.with({name, "minute"}).set(static_cast<double>(*h.quota_left_minute));
    if (h.quota_left_day) quota.with({name, "day"}).set(static_cast<double>(*h.quota_left_day));
    last_success.with({name}).set(seconds(h.last_success_ts));
    backoff.with({name}).set(seconds(h.backoff_until));
    raise_to(requests.with({name}), h.requests);
    raise_to(failures.with({name}), h.failures);
    raise_to(limited.with({name}), h.rate_limited);
  }
}

}  // namespace st::ingest
