#include "rules.hpp"

#include <gtest/gtest.h>

#include "rule_test_support.hpp"

namespace st::process {
namespace {

constexpr EpochMs kT0 = 1764000000000;  // Monday 2025-11-24 11:00 New York

model::UserPreferences prefs_with(std::vector<model::AlertRuleSpec> rules, std::vector<std::string> tracked = {}) {
  model::UserPreferences p;
  p.user_id = UserId(7);
  p.tracked = std::move(tracked);
  p.price_change_threshold = 5.0;
  p.rules = std::move(rules);
  return p;
}

using test::aapl_rule;

struct Feed {
  RuleEngine engine;
  std::int64_t offset = 0;
  explicit Feed(const model::UserPreferences& p) {
    std::vector<std::string> errors;
    engine.set_rules(compile_rules(p, &errors));
    EXPECT_TRUE(errors.empty());
  }
  std::vector<model::Alert> prices(const std::vector<double>& ps, EpochMs start = kT0, EpochMs step = 1000) {
    std::vector<model::Alert> out;
    EpochMs ts = start;
    for (double p : ps) {
      engine.on_tick({"AAPL", p, 100, ts, "test", "USD"}, 0, offset++, out);
      ts += step;
    }
    return out;
  }
};

}  // namespace

TEST(Rules, PriceAboveFiresOnceWhileHoveringAtTheLevel) {
  Feed run(prefs_with({aapl_rule(1, model::RuleKind::kPriceAbove, R"({"price":200})")}));
  // Hovers around 200 (within the 0.2% hysteresis band): one alert.
  auto alerts = run.prices({199, 200.5, 199.9, 200.2, 199.8, 200.3, 201});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].price, 200.5);
  EXPECT_EQ(alerts[0].threshold, 200);
  EXPECT_EQ(alerts[0].kind, model::RuleKind::kPriceAbove);
  // Falls clearly below (past 199.6) and rises again: a second alert.
  alerts = run.prices({199.0, 200.4});
  EXPECT_EQ(alerts.size(), 1u);
}

TEST(Rules, PriceBelowAndOnceRulesFireOnce) {
  Feed run(prefs_with({aapl_rule(2, model::RuleKind::kPriceBelow, R"({"price":100})", model::RepeatMode::kOnce)}));
  auto alerts = run.prices({101, 99, 105, 98});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].price, 99);
}

TEST(Rules, CooldownDelaysTheNextAlert) {
  Feed run(prefs_with({aapl_rule(3, model::RuleKind::kPriceAbove, R"({"price":10})", model::RepeatMode::kRepeat, 60)}));
  // Crosses every other second; the 60 s cool-down lets one through a minute.
  std::vector<double> ps;
  for (int i = 0; i < 180; ++i) ps.push_back(i % 2 == 0 ? 9 : 11);
  auto alerts = run.prices(ps);
  EXPECT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[1].event_ts - alerts[0].event_ts, 60'000);
}

TEST(Rules, DefaultRuleIsTheThresholdAgainstThePreviousClose) {
  Feed run(prefs_with({}, {"AAPL"}));
  // Day 1 establishes the close (100); on day 2 a 5% move fires.
  auto alerts = run.prices({100, 101, 100});
  EXPECT_TRUE(alerts.empty());
  alerts = run.prices({103, 104.9, 105.2, 106}, kT0 + 86'400'000);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_FALSE(alerts[0].rule_id.has_value());
  EXPECT_NEAR(*alerts[0].change_pct, 5.2, 1e-9);
  EXPECT_EQ(alerts[0].reference_price, 100);
  EXPECT_NE(alerts[0].message.find("+5.20%"), std::string::npos);
}

TEST(Rules, PercentMoveDirectionIsHonoured) {
  Feed run(prefs_with({aapl_rule(4, model::RuleKind::kPctChangePrevClose, R"({"threshold_pct":2,"direction":"down"})")}));
  auto alerts = run.prices({100, 103, 97.5});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].price, 97.5);
}

TEST(Rules, AlertIdsAreDeterministic) {
  auto ids = [] {
    Feed run(prefs_with({aapl_rule(1, model::RuleKind::kPriceAbove, R"({"price":200})")}));
    std::vector<std::string> out;
    for (const auto& a : run.prices({199, 201, 198, 202})) out.push_back(a.alert_id);
    return out;
  };
  const auto a = ids();
  EXPECT_EQ(a, ids());
  ASSERT_EQ(a.size(), 2u);
  EXPECT_NE(a[0], a[1]);
}

TEST(Rules, InvalidParamsAreReportedNotThrown) {
  std::vector<std::string> errors;
  auto compiled = compile_rules(prefs_with({aapl_rule(9, model::RuleKind::kPriceAbove, R"({"price":-1})"),
                                            aapl_rule(10, model::RuleKind::kPriceAbove, "[1]")}),
                                &errors);
  EXPECT_TRUE(compiled.empty());
  EXPECT_EQ(errors.size(), 2u);
}

TEST(Rules, PausedRulesAreSkipped) {
  auto r = aapl_rule(1, model::RuleKind::kPriceAbove, R"({"price":1})");
  r.state = model::RuleState::kPaused;
  Feed run(prefs_with({r}));
  EXPECT_TRUE(run.prices({2, 3}).empty());
}

}  // namespace st::process
