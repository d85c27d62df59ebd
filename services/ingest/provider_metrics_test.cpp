#include "provider_metrics.hpp"

#include <gtest/gtest.h>

namespace st::ingest {
namespace {

using providers::BreakerState;
using providers::ProviderHealth;
using providers::ProviderId;

ProviderHealth health(ProviderId p, BreakerState s, std::uint64_t requests) {
  ProviderHealth h;
  h.provider = p;
  h.state = s;
  h.quota_left = 3;
  h.quota_left_minute = 4;
  h.quota_left_day = 20;
  h.last_success_ts = 1'764'000'000'500;
  h.requests = requests;
  h.failures = 2;
  h.rate_limited = 1;
  return h;
}

TEST(ProviderMetrics, ExposesEachProvidersHealthUnderItsName) {
  metrics::Registry registry;
  export_provider_metrics({health(ProviderId::kAlphaVantage, BreakerState::kOpen, 7),
                           health(ProviderId::kYahoo, BreakerState::kClosed, 9)},
                          registry);
  const std::string text = registry.expose();
  EXPECT_NE(text.find("stocktracker_provider_breaker_state{provider=\"alphavantage\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("stocktracker_provider_breaker_state{provider=\"yahoo\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("stocktracker_provider_quota_left{provider=\"yahoo\",window=\"day\"} 20"), std::string::npos)
      << text;
  EXPECT_NE(text.find("stocktracker_provider_last_success_timestamp_seconds{provider=\"yahoo\"} 1764000000.5"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stocktracker_provider_requests_total{provider=\"alphavantage\"} 7"), std::string::npos) << text;
}

TEST(ProviderMetrics, CountersFollowTheRunningTotalsAndNeverGoBack) {
  metrics::Registry registry;
  export_provider_metrics({health(ProviderId::kYahoo, BreakerState::kClosed, 9)}, registry);
  export_provider_metrics({health(ProviderId::kYahoo, BreakerState::kHalfOpen, 15)}, registry);
  auto& requests = registry.counter("stocktracker_provider_requests_total", "Requests sent to a data provider.",
                                    {"provider"});
  EXPECT_EQ(requests.with({"yahoo"}).value(), 15u);
  export_provider_metrics({health(ProviderId::kYahoo, BreakerState::kClosed, 4)}, registry);
  EXPECT_EQ(requests.with({"yahoo"}).value(), 15u);
  EXPECT_NE(registry.expose().find("stocktracker_provider_breaker_state{provider=\"yahoo\"} 0"), std::string::npos);
}

}  // namespace
}  // namespace st::ingest
