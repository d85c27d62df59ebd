#pragma once
// Provider health as Prometheus metrics (the admin listener's /metrics,
// `ingest --metrics-port`): the same snapshot ingest publishes to Redis for
// GET /api/providers, exported at the same moments. Names:
//   stocktracker_provider_breaker_state{provider}          0 closed, 1 half-open, 2 open (benched)
//   stocktracker_provider_quota_left{provider,window}      requests left: window="now", "minute", "day"
//   stocktracker_provider_last_success_timestamp_seconds{provider}   0: never
//   stocktracker_provider_backoff_until_timestamp_seconds{provider}  0: not backing off
//   stocktracker_provider_requests_total{provider}, _failures_total, _rate_limited_total
// Provider names are a small fixed set, so the label values stay bounded.
#include <vector>

#include "providers/failover.hpp"
#include "stocktracker/metrics/metrics.hpp"

namespace st::ingest {

void export_provider_metrics(const std::vector<providers::ProviderHealth>& health, metrics::Registry& registry);

}  // namespace st::ingest
