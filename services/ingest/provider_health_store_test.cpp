#include "provider_health_store.hpp"

#include <gtest/gtest.h>

#include <map>

namespace st::ingest {
namespace {

using namespace providers;

constexpr EpochMs kT0 = 1'700'000'000'000;
constexpr EpochMs kMinute = 60'000;

std::map<std::string, std::string> fields_of(const ProviderHealth& h, EpochMs now) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : health_fields(h, now)) out[k] = v;
  return out;
}

FetchResult outcome(Outcome o) {
  FetchResult r;
  r.outcome = o;
  r.detail = "alphavantage: HTTP 500";
  return r;
}

TEST(ProviderHealth, QuotaLeftPerMinuteAndPerDayAndAbsentLimitsAreEmpty) {
  ProviderGate av(ProviderId::kAlphaVantage, GateOptions{.limits = {{5, kMinute}, {25, 86'400'000}}}, 1, kT0);
  ASSERT_TRUE(av.try_acquire(kT0));
  ASSERT_TRUE(av.try_acquire(kT0));
  const auto f = fields_of(av.health(kT0), kT0);
  EXPECT_EQ(f.at("provider"), "alphavantage");
  EXPECT_EQ(f.at("quota_left_minute"), "3");
  EXPECT_EQ(f.at("quota_left_day"), "23");
  EXPECT_EQ(f.at("quota_left"), "3");
  EXPECT_EQ(f.at("last_success_ts"), "");  // never
  EXPECT_EQ(f.at("benched_until"), "");
  EXPECT_EQ(f.at("updated_ts"), std::to_string(kT0));

  ProviderGate yahoo(ProviderId::kYahoo, GateOptions{.limits = {{60, kMinute}, {2000, 3'600'000}}}, 1, kT0);
  const auto y = fields_of(yahoo.health(kT0), kT0);
  EXPECT_EQ(y.at("quota_left_minute"), "60");
  EXPECT_EQ(y.at("quota_left_day"), "");  // no per-day limit
}

TEST(ProviderHealth, ABenchedProviderSaysUntilWhenAndWhy) {
  const GateOptions options{.limits = {{600, kMinute}},
                            .breaker = {.failure_threshold = 2, .cool_down_ms = 5 * kMinute},
                            .backoff = {.base_ms = 1'000, .cap_ms = 2'000}};
  ProviderGate gate(ProviderId::kAlphaVantage, options, 7, kT0);
  EpochMs now = kT0;
  for (int i = 0; i < 2; ++i) {
    now = gate.available_at(now);
    ASSERT_TRUE(gate.try_acquire(now)) << i;
    gate.record(outcome(Outcome::kServerError), now);
  }
  const auto f = fields_of(gate.health(now), now);
  EXPECT_EQ(f.at("state"), "open");
  EXPECT_EQ(f.at("benched_until"), std::to_string(now + 5 * kMinute));
  EXPECT_EQ(f.at("last_error"), "alphavantage: HTTP 500");
  EXPECT_EQ(f.at("failures"), "2");

  // The probe after the cool-down succeeds: back in service.
  now += 5 * kMinute;
  now = gate.available_at(now);
  ASSERT_TRUE(gate.try_acquire(now));
  gate.record(outcome(Outcome::kOk), now);
  const auto back = fields_of(gate.health(now), now);
  EXPECT_EQ(back.at("state"), "closed");
  EXPECT_EQ(back.at("benched_until"), "");
  EXPECT_EQ(back.at("last_success_ts"), std::to_string(now));
  EXPECT_EQ(back.at("last_error"), "");
}

}  // namespace
}  // namespace st::ingest
