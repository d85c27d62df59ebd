#include "failover.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kT0 = 1'700'000'000'000;
constexpr EpochMs kMinute = 60'000;

FetchResult result(Outcome outcome, std::optional<EpochMs> retry_after = std::nullopt,
                   RateLimitScope scope = RateLimitScope::kUnknown) {
  FetchResult r;
  r.outcome = outcome;
  r.retry_after_ms = retry_after;
  r.scope = scope;
  r.detail = "test: " + std::to_string(static_cast<int>(outcome));
  return r;
}

FailoverChain chain(EpochMs now) {
  const BreakerOptions breaker{.failure_threshold = 3, .cool_down_ms = kMinute};
  const BackoffOptions backoff{.base_ms = 1'000, .cap_ms = 10'000};
  std::vector<ProviderGate> gates;
  gates.emplace_back(ProviderId::kAlphaVantage, GateOptions{{{5, kMinute}, {25, 86'400'000}}, breaker, backoff}, 1, now);
  gates.emplace_back(ProviderId::kYahoo, GateOptions{{{60, kMinute}, {2000, 3'600'000}}, breaker, backoff}, 2, now);
  return FailoverChain(std::move(gates));
}

constexpr std::size_t kAv = 0;
constexpr std::size_t kYahoo = 1;

TEST(Failover, TheFirstProviderWithQuotaGetsTheRequestThenTheNext) {
  auto c = chain(kT0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.acquire(kT0), kAv) << i;
  EXPECT_EQ(c.acquire(kT0), kYahoo);  // Alpha Vantage's minute is spent
  EXPECT_EQ(c.acquire(kT0 + 12'000), kAv);
  EXPECT_DOUBLE_EQ(c.per_day(), 25 + 48'000);
}

TEST(Failover, AProviderAlreadyTriedIsSkipped) {
  auto c = chain(kT0);
  EXPECT_EQ(c.acquire(kT0, 0b01), kYahoo);
  EXPECT_EQ(c.acquire(kT0, 0b11), std::nullopt);
}

TEST(Failover, ARateLimitedProviderWaitsForRetryAfterAndItsQuota) {
  auto c = chain(kT0);
  ASSERT_EQ(c.acquire(kT0), kAv);
  c.record(kAv, result(Outcome::kRateLimited, 30'000, RateLimitScope::kMinute), kT0);
  EXPECT_EQ(c.acquire(kT0 + 1), kYahoo);
  EXPECT_EQ(c.acquire(kT0 + 29'999), kYahoo);
  EXPECT_EQ(c.gate(kAv).available_at(kT0 + 1), kT0 + 30'000);
  EXPECT_EQ(c.acquire(kT0 + 30'000), kAv);
  const auto h = c.gate(kAv).health(kT0 + 30'000);
  EXPECT_EQ(h.rate_limited, 1u);
  EXPECT_EQ(h.state, BreakerState::kClosed);  // alive, just throttling
  EXPECT_EQ(h.last_error, "test: 1");
}

TEST(Failover, ADailyLimitBenchesTheProviderUntilTheBucketRefills) {
  auto c = chain(kT0);
  ASSERT_EQ(c.acquire(kT0), kAv);
  c.record(kAv, result(Outcome::kRateLimited, std::nullopt, RateLimitScope::kDay), kT0);
  EXPECT_EQ(c.gate(kAv).available_at(kT0), kT0 + 86'400'000 / 25);
  EXPECT_EQ(c.acquire(kT0 + 11 * kMinute), kYahoo);
}

TEST(Failover, TheBreakerBenchesAFailingProviderAndAProbeBringsItBack) {
  auto c = chain(kT0);
  EpochMs now = kT0;
  for (int i = 0; i < 3; ++i) {
    now = std::max(now, c.gate(kAv).available_at(now));
    ASSERT_EQ(c.acquire(now), kAv) << i;
    c.record(kAv, result(Outcome::kServerError), now);
  }
  const EpochMs opened = now;
  EXPECT_EQ(c.gate(kAv).health(now).state, BreakerState::kOpen);
  // Benched: even once the backoff is over, requests go to Yahoo.
  EXPECT_EQ(c.acquire(opened + 20'000), kYahoo);
  EXPECT_EQ(c.gate(kAv).available_at(opened + 20'000), opened + kMinute);
  // After the cool-down one probe goes to Alpha Vantage; its success closes the breaker.
  EXPECT_EQ(c.acquire(opened + kMinute), kAv);
  EXPECT_EQ(c.gate(kAv).health(opened + kMinute).state, BreakerState::kHalfOpen);
  EXPECT_EQ(c.acquire(opened + kMinute), kYahoo);  // one probe at a time
  c.record(kAv, result(Outcome::kOk), opened + kMinute + 100);
  const auto h = c.gate(kAv).health(opened + kMinute + 100);
  EXPECT_EQ(h.state, BreakerState::kClosed);
  EXPECT_EQ(h.last_success_ts, opened + kMinute + 100);
  EXPECT_EQ(h.last_error, "");
  EXPECT_EQ(h.failures, 3u);
  EXPECT_EQ(c.acquire(opened + kMinute + 100), kAv);
}

TEST(Failover, AnUnknownSymbolSaysNothingAgainstTheProvider) {
  auto c = chain(kT0);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(c.acquire(kT0), kAv);
    c.record(kAv, result(Outcome::kBadSymbol), kT0);
  }
  EXPECT_EQ(c.gate(kAv).health(kT0).state, BreakerState::kClosed);
  EXPECT_EQ(c.gate(kAv).available_at(kT0), kT0);
}

TEST(Failover, WhenNothingIsAvailableItSaysWhenSomethingWillBe) {
  auto c = chain(kT0);
  ASSERT_EQ(c.acquire(kT0), kAv);
  c.record(kAv, result(Outcome::kRateLimited, 5'000), kT0);
  ASSERT_EQ(c.acquire(kT0), kYahoo);
  c.record(kYahoo, result(Outcome::kRateLimited, 8'000), kT0);
  EXPECT_EQ(c.acquire(kT0 + 1), std::nullopt);
  EXPECT_EQ(c.available_at(kT0 + 1), kT0 + 5'000);
  EXPECT_EQ(c.available_at(kT0 + 1, 0b01), kT0 + 8'000);
}

}  // namespace
}  // namespace st::ingest::providers
