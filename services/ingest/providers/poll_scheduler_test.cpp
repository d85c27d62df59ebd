#include "poll_scheduler.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kT0 = 1'700'000'000'000;
constexpr EpochMs kMinute = 60'000;
constexpr std::size_t kAv = 0;
constexpr std::size_t kYahoo = 1;

FetchResult result(Outcome outcome, std::optional<EpochMs> retry_after = std::nullopt) {
  FetchResult r;
  r.outcome = outcome;
  r.retry_after_ms = retry_after;
  return r;
}

FailoverChain chain(EpochMs now, std::int64_t av_per_minute = 5) {
  const BreakerOptions breaker{.failure_threshold = 3, .cool_down_ms = kMinute};
  const BackoffOptions backoff{.base_ms = 1'000, .cap_ms = 10'000};
  std::vector<ProviderGate> gates;
  gates.emplace_back(ProviderId::kAlphaVantage, GateOptions{{{av_per_minute, kMinute}}, breaker, backoff}, 1, now);
  gates.emplace_back(ProviderId::kYahoo, GateOptions{{{60, kMinute}}, breaker, backoff}, 2, now);
  return FailoverChain(std::move(gates));
}

TEST(PollScheduler, EverySymbolIsDueAtOnceThenEveryInterval) {
  auto c = chain(kT0);
  PollScheduler s(c);
  s.set_plan({{"AAPL", kMinute}, {"MSFT", 2 * kMinute}}, kT0);
  const auto first = s.take_due(kT0, 10);
  EXPECT_EQ(first, (std::vector<PollAttempt>{{"AAPL", kAv}, {"MSFT", kAv}}));
  EXPECT_TRUE(s.take_due(kT0, 10).empty());  // in flight: not handed out twice
  s.complete(first[0], result(Outcome::kOk), kT0 + 200);
  s.complete(first[1], result(Outcome::kOk), kT0 + 300);
  EXPECT_EQ(s.next_due(kT0 + 300), kT0 + 200 + kMinute);
  EXPECT_TRUE(s.take_due(kT0 + kMinute, 10).empty());
  EXPECT_EQ(s.take_due(kT0 + 200 + kMinute, 10), (std::vector<PollAttempt>{{"AAPL", kAv}}));
}

TEST(PollScheduler, AtMostMaxAttemptsLongestWaitingFirst) {
  auto c = chain(kT0, 100);
  PollScheduler s(c);
  s.set_plan({{"A", kMinute}, {"B", kMinute}, {"C", kMinute}}, kT0);
  EXPECT_EQ(s.take_due(kT0, 2), (std::vector<PollAttempt>{{"A", kAv}, {"B", kAv}}));
  EXPECT_EQ(s.take_due(kT0, 2), (std::vector<PollAttempt>{{"C", kAv}}));
}

TEST(PollScheduler, ARateLimitedProviderFailsOverToTheNextAtOnce) {
  auto c = chain(kT0);
  PollScheduler s(c);
  s.set_plan({{"IBM", 10 * kMinute}}, kT0);
  const auto a = s.take_due(kT0, 10);
  ASSERT_EQ(a, (std::vector<PollAttempt>{{"IBM", kAv}}));
  s.complete(a[0], result(Outcome::kRateLimited, 30'000), kT0 + 100);
  EXPECT_EQ(s.next_due(kT0 + 100), kT0 + 100);
  const auto b = s.take_due(kT0 + 100, 10);
  ASSERT_EQ(b, (std::vector<PollAttempt>{{"IBM", kYahoo}}));
  s.complete(b[0], result(Outcome::kOk), kT0 + 200);
  // The next cycle starts with the first provider again, once it may be asked.
  EXPECT_EQ(s.take_due(kT0 + 200 + 10 * kMinute, 10), (std::vector<PollAttempt>{{"IBM", kAv}}));
}

TEST(PollScheduler, WhenEveryProviderFailedTheSymbolWaitsForTheFirstToRecover) {
  auto c = chain(kT0);
  PollScheduler s(c);
  s.set_plan({{"IBM", 10 * kMinute}}, kT0);
  auto a = s.take_due(kT0, 10);
  s.complete(a[0], result(Outcome::kServerError, 5'000), kT0);
  a = s.take_due(kT0, 10);
  ASSERT_EQ(a, (std::vector<PollAttempt>{{"IBM", kYahoo}}));
  s.complete(a[0], result(Outcome::kRateLimited, 8'000), kT0);
  // Both asked this cycle: wait until one may be asked again (5 s), not an interval.
  EXPECT_EQ(s.next_due(kT0), kT0 + 5'000);
  EXPECT_TRUE(s.take_due(kT0 + 4'999, 10).empty());
  EXPECT_EQ(s.take_due(kT0 + 5'000, 10), (std::vector<PollAttempt>{{"IBM", kAv}}));
}

TEST(PollScheduler, ASymbolNoProviderKnowsWaitsAWholeInterval) {
  auto c = chain(kT0);
  PollScheduler s(c);
  s.set_plan({{"NOPE", 10 * kMinute}}, kT0);
  auto a = s.take_due(kT0, 10);
  s.complete(a[0], result(Outcome::kBadSymbol), kT0);
  a = s.take_due(kT0, 10);
  ASSERT_EQ(a, (std::vector<PollAttempt>{{"NOPE", kYahoo}}));
  s.complete(a[0], result(Outcome::kBadSymbol), kT0);
  EXPECT_EQ(s.next_due(kT0), kT0 + 10 * kMinute);
}

TEST(PollScheduler, WithNoProviderAvailableASymbolWaitsUntilOneIs) {
  auto c = chain(kT0, 1);
  PollScheduler s(c);
  s.set_plan({{"A", kMinute}, {"B", kMinute}}, kT0);
  ASSERT_EQ(c.acquire(kT0, 0b10), kAv);  // spend Alpha Vantage's only token
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(c.acquire(kT0, 0b01));  // and Yahoo's minute
  EXPECT_TRUE(s.take_due(kT0, 10).empty());
  EXPECT_EQ(s.next_due(kT0), kT0 + 1'000);  // Yahoo's next token
  EXPECT_EQ(s.take_due(kT0 + 1'000, 10), (std::vector<PollAttempt>{{"A", kYahoo}}));
}

TEST(PollScheduler, ANewPlanKeepsTimesAddsAndDropsSymbols) {
  auto c = chain(kT0, 100);
  PollScheduler s(c);
  s.set_plan({{"A", 10 * kMinute}, {"B", 10 * kMinute}}, kT0);
  auto a = s.take_due(kT0, 10);
  ASSERT_EQ(a.size(), 2u);
  s.complete(a[0], result(Outcome::kOk), kT0);
  s.set_plan({{"A", 2 * kMinute}, {"C", kMinute}}, kT0 + kMinute);  // A sooner, B dropped, C new
  EXPECT_EQ(s.symbols(), 2u);
  s.complete(a[1], result(Outcome::kOk), kT0 + kMinute);  // B's late answer: ignored
  EXPECT_EQ(s.take_due(kT0 + kMinute, 10), (std::vector<PollAttempt>{{"C", kAv}}));
  EXPECT_EQ(s.take_due(kT0 + 3 * kMinute, 10), (std::vector<PollAttempt>{{"A", kAv}}));
}

}  // namespace
}  // namespace st::ingest::providers

namespace st::ingest::providers {
namespace {

TEST(PollScheduler, WhileTheMarketIsShutASymbolWaitsTheClosedIntervalUpToTheOpening) {
  // Friday 2024-03-15 15:00 EDT (19:00 UTC): the session; 16:30 EDT: shut.
  constexpr EpochMs kSession = 1710529200000;
  constexpr EpochMs kAfterClose = kSession + 90 * kMinute;
  constexpr EpochMs kMondayOpen = 1710768600000;  // 2024-03-18 09:30 EDT
  auto c = chain(kSession);
  PollScheduler s(c, MarketHours{.extended_hours = false, .closed_interval_ms = 60 * kMinute});
  s.set_plan({{"AAPL", kMinute}}, kSession);
  auto due = s.take_due(kSession, 10);
  ASSERT_EQ(due.size(), 1u);
  s.complete(due[0], result(Outcome::kOk), kSession);
  EXPECT_EQ(s.next_due(kSession), kSession + kMinute);  // open: the plan's pace

  due = s.take_due(kAfterClose, 10);
  ASSERT_EQ(due.size(), 1u);
  s.complete(due[0], result(Outcome::kOk), kAfterClose);
  EXPECT_EQ(s.next_due(kAfterClose), kAfterClose + 60 * kMinute);  // shut: once an hour

  // Sunday 09:00 EDT with a two-day closed interval: Monday's opening first.
  PollScheduler rare(c, MarketHours{.extended_hours = false, .closed_interval_ms = 48 * 60 * kMinute});
  rare.set_plan({{"IBM", kMinute}}, kMondayOpen - 24 * 60 * kMinute - 30 * kMinute);
  const EpochMs sunday = kMondayOpen - 24 * 60 * kMinute - 30 * kMinute;
  due = rare.take_due(sunday, 10);
  ASSERT_EQ(due.size(), 1u);
  rare.complete(due[0], result(Outcome::kOk), sunday);
  EXPECT_EQ(rare.next_due(sunday), kMondayOpen);
}

}  // namespace
}  // namespace st::ingest::providers
