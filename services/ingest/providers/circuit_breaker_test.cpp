#include "circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kT0 = 1'700'000'000'000;

TEST(CircuitBreaker, OpensAfterNConsecutiveFailures) {
  CircuitBreaker b({.failure_threshold = 3, .cool_down_ms = 60'000});
  b.on_failure(kT0);
  b.on_failure(kT0);
  b.on_success();  // not consecutive: starts again
  b.on_failure(kT0);
  b.on_failure(kT0);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_TRUE(b.allow(kT0));
  b.on_failure(kT0 + 5);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.allow(kT0 + 5));
  EXPECT_EQ(b.available_at(kT0 + 10), kT0 + 5 + 60'000);
}

TEST(CircuitBreaker, AfterTheCoolDownOneProbeDecides) {
  CircuitBreaker b({.failure_threshold = 1, .cool_down_ms = 60'000});
  b.on_failure(kT0);
  EXPECT_FALSE(b.allow(kT0 + 59'999));
  EXPECT_TRUE(b.allow(kT0 + 60'000));  // the probe
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_FALSE(b.allow(kT0 + 60'001));  // only one probe at a time
  b.on_failure(kT0 + 61'000);           // the probe failed: benched again
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.allow(kT0 + 120'000));
  EXPECT_TRUE(b.allow(kT0 + 121'000));
  b.on_success();  // the probe succeeded: closed
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_TRUE(b.allow(kT0 + 121'001));
  EXPECT_TRUE(b.allow(kT0 + 121'002));
}

TEST(CircuitBreaker, WouldAllowChangesNothing) {
  CircuitBreaker b({.failure_threshold = 1, .cool_down_ms = 1'000});
  b.on_failure(kT0);
  EXPECT_TRUE(b.would_allow(kT0 + 1'000));
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_TRUE(b.would_allow(kT0 + 1'000));
}

}  // namespace
}  // namespace st::ingest::providers
