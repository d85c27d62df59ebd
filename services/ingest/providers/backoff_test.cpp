#include "backoff.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kT0 = 1'700'000'000'000;

TEST(Backoff, FullJitterUnderADoublingCeiling) {
  Backoff b({.base_ms = 1'000, .cap_ms = 60'000}, 7);
  EpochMs now = kT0;
  for (int n = 0; n < 12; ++n) {
    const EpochMs ceiling = std::min<EpochMs>(1'000LL << n, 60'000);
    const EpochMs until = b.on_failure(now);
    EXPECT_GE(until - now, 0) << n;
    EXPECT_LE(until - now, ceiling) << n;
    EXPECT_TRUE(b.waiting(now) || until == now);
    now = until;  // the next failure comes when the wait is over
  }
  EXPECT_EQ(b.failures(), 12);
  b.on_success();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_LE(b.on_failure(now) - now, 1'000);
}

TEST(Backoff, TheSameSeedGivesTheSameWaits) {
  Backoff a({}, 42);
  Backoff b({}, 42);
  Backoff c({}, 43);
  bool differs = false;
  for (int n = 0; n < 8; ++n) {
    const EpochMs wa = a.on_failure(kT0 + n * 1'000'000) - (kT0 + n * 1'000'000);
    const EpochMs wb = b.on_failure(kT0 + n * 1'000'000) - (kT0 + n * 1'000'000);
    const EpochMs wc = c.on_failure(kT0 + n * 1'000'000) - (kT0 + n * 1'000'000);
    EXPECT_EQ(wa, wb);
    differs = differs || wa != wc;
  }
  EXPECT_TRUE(differs);
}

TEST(Backoff, RetryAfterIsAFloorNeverCutShort) {
  Backoff b({.base_ms = 1'000, .cap_ms = 60'000}, 1);
  EXPECT_EQ(b.on_failure(kT0, 30'000), kT0 + 30'000);
  EXPECT_TRUE(b.waiting(kT0 + 29'999));
  EXPECT_FALSE(b.waiting(kT0 + 30'000));
  // A later, shorter jittered wait does not shorten a wait still running.
  EXPECT_EQ(b.on_failure(kT0 + 1, 0), kT0 + 30'000);
}

}  // namespace
}  // namespace st::ingest::providers
