#include "refresh_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kDay = 86'400'000;

TEST(RefreshPlan, RefreshesInProportionToTheSquareRootOfWatchers) {
  // 100 requests a day over a symbol watched by 100 users, one by 25 and one by 1.
  const auto plan = plan_refresh({{"AAPL", 100}, {"MSFT", 25}, {"TINY", 1}}, {.daily_budget = 100});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].symbol, "AAPL");
  // sqrt weights 10 : 5 : 1 of 100 -> 62.5, 31.25, 6.25 a day.
  EXPECT_NEAR(static_cast<double>(plan[0].interval_ms), kDay / 62.5, 1);
  EXPECT_NEAR(static_cast<double>(plan[1].interval_ms), kDay / 31.25, 1);
  EXPECT_NEAR(static_cast<double>(plan[2].interval_ms), kDay / 6.25, 1);
  EXPECT_NEAR(planned_per_day(plan), 100, 0.01);
}

TEST(RefreshPlan, TheAlphaVantageFreeTierSpreadOverTenSymbols) {
  std::vector<WatchedSymbol> symbols;
  for (char c = '0'; c <= '9'; ++c) symbols.push_back({std::string{'S', c}, c == '0' ? 9 : 1});
  const auto plan = plan_refresh(symbols, {.daily_budget = 25});
  EXPECT_NEAR(planned_per_day(plan), 25, 0.01);
  // S0 (3 = sqrt 9) gets three times the refreshes of each other symbol.
  EXPECT_NEAR(static_cast<double>(plan[1].interval_ms) / static_cast<double>(plan[0].interval_ms), 3.0, 0.001);
}

TEST(RefreshPlan, AnAmpleBudgetIsCappedAtTheMinimumIntervalAndTheRestReshared) {
  // 48,025 a day could poll 3 symbols every 5 s; nothing goes below a minute.
  const auto plan = plan_refresh({{"A", 1}, {"B", 1}, {"C", 1}}, {.daily_budget = 48'025, .min_interval_ms = 60'000});
  for (const auto& p : plan) EXPECT_EQ(p.interval_ms, 60'000);

  // One symbol would go below the minimum: it is capped and its share goes to the others.
  const auto capped = plan_refresh({{"HOT", 10'000}, {"A", 1}, {"B", 1}},
                                   {.daily_budget = 1440 + 200, .min_interval_ms = 60'000});
  EXPECT_EQ(capped[2].symbol, "HOT");
  EXPECT_EQ(capped[2].interval_ms, 60'000);
  EXPECT_NEAR(static_cast<double>(capped[0].interval_ms), kDay / 100.0, 1);
  EXPECT_NEAR(planned_per_day(capped), 1640, 0.1);
}

TEST(RefreshPlan, EverySymbolIsRefreshedAtLeastOnceAMaximumInterval) {
  const auto plan = plan_refresh({{"A", 1}, {"B", 1}}, {.daily_budget = 0, .max_interval_ms = 3'600'000});
  for (const auto& p : plan) EXPECT_EQ(p.interval_ms, 3'600'000);
  EXPECT_NEAR(planned_per_day(plan), 48, 0.01);  // over the budget, and says so
}

TEST(RefreshPlan, SymbolsAreDistinctAndNobodyCountsAsOne) {
  const auto plan = plan_refresh({{"B", 0}, {"A", 2}, {"A", 2}}, {.daily_budget = 300});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].symbol, "A");
  EXPECT_EQ(plan[1].symbol, "B");
  EXPECT_NEAR(static_cast<double>(plan[1].interval_ms) / static_cast<double>(plan[0].interval_ms), 2.0, 0.001);
  EXPECT_TRUE(plan_refresh({}, {.daily_budget = 25}).empty());
}

}  // namespace
}  // namespace st::ingest::providers
