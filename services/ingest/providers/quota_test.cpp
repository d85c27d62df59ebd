#include "quota.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kT0 = 1'700'000'000'000;
constexpr EpochMs kMinute = 60'000;
constexpr EpochMs kDay = 86'400'000;

TEST(TokenBucket, AllowsABurstThenOneTokenPerWindowOverCapacity) {
  TokenBucket b(5, kMinute, kT0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.try_take(kT0)) << i;
  EXPECT_FALSE(b.try_take(kT0));
  EXPECT_EQ(b.next_token_at(kT0), kT0 + 12'000);  // 60 s / 5
  EXPECT_FALSE(b.try_take(kT0 + 11'999));
  EXPECT_TRUE(b.try_take(kT0 + 12'000));
  EXPECT_EQ(b.available(kT0 + 12'000 + 5 * kMinute), 5);  // refills to capacity, no further
}

TEST(TokenBucket, DrainingEmptiesItAndAClockGoingBackRefillsNothing) {
  TokenBucket b(25, kDay, kT0);
  b.drain(kT0);
  EXPECT_EQ(b.available(kT0), 0);
  EXPECT_EQ(b.next_token_at(kT0), kT0 + kDay / 25);
  EXPECT_EQ(b.available(kT0 - 1'000'000), 0);
}

TEST(Quota, ARequestNeedsATokenFromEveryLimit) {
  // Alpha Vantage's free tier: 5 per minute and 25 per day.
  Quota q({{5, kMinute}, {25, kDay}}, kT0);
  EXPECT_DOUBLE_EQ(q.per_day(), 25);
  int taken = 0;
  for (EpochMs t = kT0; t < kT0 + 10 * kMinute; t += 1'000) taken += q.try_take(t) ? 1 : 0;
  EXPECT_EQ(taken, 25);  // the day's budget, spent at no more than 5 a minute
  EXPECT_EQ(q.available(kT0 + 10 * kMinute), 0);
  EXPECT_EQ(q.describe(kT0 + 10 * kMinute), "5/5 per minute, 0/25 per day");
  EXPECT_GT(q.next_token_at(kT0 + 10 * kMinute), kT0 + 10 * kMinute);
}

TEST(Quota, ARateLimitAnswerDrainsTheLimitItNames) {
  Quota minute({{5, kMinute}, {25, kDay}}, kT0);
  minute.drain(RateLimitScope::kMinute, kT0);
  EXPECT_EQ(minute.describe(kT0), "0/5 per minute, 25/25 per day");
  EXPECT_EQ(minute.next_token_at(kT0), kT0 + 12'000);

  Quota day({{5, kMinute}, {25, kDay}}, kT0);
  day.drain(RateLimitScope::kDay, kT0);
  EXPECT_EQ(day.available(kT0 + kMinute), 0);
  EXPECT_EQ(day.next_token_at(kT0), kT0 + kDay / 25);

  Quota unknown({{60, kMinute}, {2000, 3'600'000}}, kT0);
  unknown.drain(RateLimitScope::kUnknown, kT0);
  EXPECT_EQ(unknown.available(kT0), 60);
  EXPECT_DOUBLE_EQ(unknown.per_day(), 48'000);
}

}  // namespace
}  // namespace st::ingest::providers
