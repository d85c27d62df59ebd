#include "backtest.hpp"

#include <gtest/gtest.h>

namespace st::api {
namespace {

model::AlertRuleSpec price_above(double level, std::int64_t cooldown_seconds) {
  model::AlertRuleSpec spec;
  spec.id = model::AlertRuleId(7);
  spec.symbol = "AAPL";
  spec.kind = model::RuleKind::kPriceAbove;
  spec.params = "{\"price\":" + std::to_string(level) + "}";
  spec.cooldown_seconds = cooldown_seconds;
  spec.state = model::RuleState::kPaused;  // replayed anyway
  return spec;
}

model::PriceTick tick(EpochMs ts, double price) { return {"AAPL", price, 10, ts, "sim", "USD"}; }

TEST(Backtest, ReportsFiringsAfterTheWindowStartWithHysteresisAndCooldown) {
  const EpochMs t0 = 1'764'000'000'000;
  auto b = Backtest::create(UserId(1), price_above(100, 60), t0 + 10'000);
  ASSERT_TRUE(b) << b.error();
  EXPECT_FALSE(b->uses_candles());
  std::int64_t offset = 0;
  // Warm-up: fires at t0+1000, before the window: evaluated, not reported.
  for (auto [dt, p] : std::vector<std::pair<EpochMs, double>>{{0, 99}, {1'000, 101}}) {
    b->on_tick(tick(t0 + dt, p), 0, offset++);
  }
  EXPECT_TRUE(b->fired().empty());
  // Still above the level: disarmed until the price is back below 99.8.
  b->on_tick(tick(t0 + 20'000, 101.5), 0, offset++);
  EXPECT_TRUE(b->fired().empty());
  b->on_tick(tick(t0 + 30'000, 99.5), 0, offset++);   // re-arms
  b->on_tick(tick(t0 + 40'000, 100.5), 0, offset++);  // within the 60 s cool-down of t0+1000
  EXPECT_TRUE(b->fired().empty());
  b->on_tick(tick(t0 + 90'000, 99.0), 0, offset++);
  b->on_tick(tick(t0 + 100'000, 100.7), 0, offset++);  // armed and cooled down: fires
  ASSERT_EQ(b->fired().size(), 1U);
  EXPECT_EQ(b->fired()[0].event_ts, t0 + 100'000);
  EXPECT_DOUBLE_EQ(b->fired()[0].price.value_or(0), 100.7);
  EXPECT_EQ(b->ticks(), 7);
  const auto json = backtest_alert_json(b->fired()[0]);
  EXPECT_NE(json.find("\"ts\":1764000100000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"price\":100.7"), std::string::npos) << json;
}

TEST(Backtest, RefusesARuleTheEngineRefuses) {
  auto spec = price_above(100, 0);
  spec.params = "{}";  // no price
  EXPECT_FALSE(Backtest::create(UserId(1), spec, 0));
}

}  // namespace
}  // namespace st::api
