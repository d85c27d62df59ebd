#include "stocktracker/model/rule_params.hpp"

#include <gtest/gtest.h>

namespace st::model {
namespace {

std::string field_of(RuleKind kind, std::string_view json) {
  auto p = parse_rule_params(kind, json);
  return p ? std::string() : p.error().field + ": " + p.error().message;
}

TEST(RuleParams, EveryKindHasItsDefaultsAndChecks) {
  auto w = parse_rule_params(RuleKind::kPctChangeWindow, R"({"threshold_pct":2.5,"direction":"down"})");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->level, 2.5);
  EXPECT_EQ(w->window_minutes, 15);
  EXPECT_EQ(w->direction, MoveDirection::kDown);

  auto v = parse_rule_params(RuleKind::kVolumeSpike, R"({"factor":3})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->lookback_candles, 12);

  auto m = parse_rule_params(RuleKind::kMaCross, R"({"ma":"ema","direction":"up"})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fast, 50);
  EXPECT_EQ(m->slow, 200);
  EXPECT_TRUE(m->ema);

  auto n = parse_rule_params(RuleKind::kNewsSentiment, R"({"threshold":0.6,"direction":"negative"})");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->direction, MoveDirection::kDown);

  auto c = parse_rule_params(RuleKind::kCompositeNewsDrop, R"({"drop_pct":2})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->level, 0.5);
  EXPECT_EQ(c->window_minutes, 60);
}

TEST(RuleParams, ErrorsNameTheOffendingField) {
  EXPECT_EQ(field_of(RuleKind::kPriceAbove, "{}"), "params.price: is required");
  EXPECT_EQ(field_of(RuleKind::kPriceAbove, "[1]"), "params: must be an object");
  EXPECT_EQ(field_of(RuleKind::kPctChangeWindow, R"({"threshold_pct":1,"window_minutes":0})"),
            "params.window_minutes: must be an integer from 1 to 1440");
  EXPECT_EQ(field_of(RuleKind::kPctChangeWindow, R"({"threshold_pct":1,"window_minutes":2.5})"),
            "params.window_minutes: must be an integer from 1 to 1440");
  EXPECT_EQ(field_of(RuleKind::kPctChangeWindow, R"({"threshold_pct":1,"minutes":5})"),
            "params.minutes: is not a parameter of pct_change_window");
  EXPECT_EQ(field_of(RuleKind::kVolumeSpike, R"({"factor":0.5})"), "params.factor: must be a number above 1");
  EXPECT_EQ(field_of(RuleKind::kVolumeSpike, R"({"factor":2,"lookback_candles":97})"),
            "params.lookback_candles: must be an integer from 2 to 96");
  EXPECT_EQ(field_of(RuleKind::kMaCross, R"({"fast":50,"slow":20})"), "params.slow: must be greater than fast");
  EXPECT_EQ(field_of(RuleKind::kMaCross, R"({"ma":"wma"})"), "params.ma: must be sma or ema");
  EXPECT_EQ(field_of(RuleKind::kNewsSentiment, R"({"threshold":1.5})"),
            "params.threshold: must be a number above 0 and at most 1");
  EXPECT_EQ(field_of(RuleKind::kNewsSentiment, R"({"threshold":0.5,"direction":"up"})"),
            "params.direction: must be positive, negative or both");
  EXPECT_EQ(field_of(RuleKind::kCompositeNewsDrop, R"({"sentiment":0.5})"), "params.drop_pct: is required");
  EXPECT_EQ(field_of(RuleKind::kIndicatorThreshold, "{}"), "params.indicator: is required");
  EXPECT_EQ(field_of(RuleKind::kIndicatorThreshold, R"({"indicator":"cpi; drop","threshold":1,"direction":"above"})"),
            "params.indicator: must be an indicator name such as CPI (A-Z, 0-9, _)");
  EXPECT_EQ(field_of(RuleKind::kIndicatorThreshold, R"({"indicator":"CPI","threshold":3})"),
            "params.direction: must be above or below");
  auto i = parse_rule_params(RuleKind::kIndicatorThreshold, R"({"indicator":"REAL_GDP","threshold":-0.5,"direction":"below"})");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->indicator, "REAL_GDP");
  EXPECT_EQ(i->level, -0.5);
  EXPECT_EQ(i->direction, MoveDirection::kDown);
}

}  // namespace
}  // namespace st::model
