// The stateful rule kinds: windows, candles, news and the composite, each
// with its threshold, hysteresis, cool-down and once behaviour.
#include "rule_kinds.hpp"

#include <gtest/gtest.h>

#include "rule_test_support.hpp"

#include <iostream>

namespace st::process {
namespace {

constexpr EpochMs kT0 = 1764000000000;  // Monday 2025-11-24 11:00 New York (a multiple of 5 minutes)
constexpr EpochMs kMinute = 60'000;

using test::aapl_rule;

struct Engine {
  RuleEngine engine;
  std::int64_t offset = 0;
  explicit Engine(std::vector<model::AlertRuleSpec> rules) {
    model::UserPreferences p;
    p.user_id = UserId(7);
    p.rules = std::move(rules);
    std::vector<std::string> errors;
    engine.set_rules(compile_rules(p, &errors));
    EXPECT_TRUE(errors.empty()) << errors.front();
    engine.set_companies({{"AAPL", {"Apple Inc.", "Technology"}}});
  }
  std::vector<model::Alert> tick(double price, EpochMs ts) {
    std::vector<model::Alert> out;
    engine.on_tick({"AAPL", price, 100, ts, "test", "USD"}, 0, offset++, out);
    return out;
  }
  std::vector<model::Alert> candle(EpochMs start, double close, std::int64_t volume) {
    std::vector<model::Alert> out;
    model::Candle c{"AAPL", start, start + model::kCandleWindowMs, close, close, close, close, volume,
                    close, 10, false};
    engine.on_candle(c, out);
    return out;
  }
  std::vector<model::Alert> news(const std::string& id, double sentiment, EpochMs ts) {
    std::vector<model::Alert> out;
    model::ScoredArticle a;
    a.article.id = id;
    a.article.title = "headline " + id;
    a.article.published_ts = ts;
    a.article.symbols = {"AAPL"};
    a.sentiment = sentiment;
    engine.on_news("AAPL", a, out);
    return out;
  }
  RuleRuntime runtime(const std::string& key = "7:1") const { return engine.state_of("AAPL")->rules.at(key); }
};

TEST(WindowRing, KeepsTheRangeOfTheLastBucketsOnly) {
  RuleRuntime rt;
  const EpochMs window = 30 * kMinute;  // buckets of one minute
  EXPECT_TRUE(window_add(rt, window, kT0, 100));
  EXPECT_TRUE(window_add(rt, window, kT0 + 10 * kMinute, 90));
  EXPECT_TRUE(window_add(rt, window, kT0 + 20 * kMinute, 120));
  auto r = window_range(rt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->low, 90);
  EXPECT_EQ(r->high, 120);
  // 30 buckets later the first two have left the window.
  EXPECT_TRUE(window_add(rt, window, kT0 + 40 * kMinute + 30'000, 110));
  r = window_range(rt);
  EXPECT_EQ(r->low, 110);
  EXPECT_EQ(r->high, 120);
  EXPECT_FALSE(window_add(rt, window, kT0, 50)) << "older than the window";
  EXPECT_EQ(window_range(rt)->low, 110);
  // State: 30 (low, high) pairs, whatever the tick rate.
  for (int i = 0; i < 100000; ++i) window_add(rt, window, kT0 + 41 * kMinute + i * 10, 100);
  EXPECT_EQ(rt.values.size(), 2u * kWindowBuckets);
}

TEST(PctChangeWindow, FiresOnAMoveWithinTheWindowWithHysteresis) {
  Engine e({aapl_rule(1, model::RuleKind::kPctChangeWindow, R"({"threshold_pct":2,"window_minutes":10})")});
  EXPECT_TRUE(e.tick(100, kT0).empty());
  EXPECT_TRUE(e.tick(101, kT0 + kMinute).empty());
  auto a = e.tick(102.5, kT0 + 2 * kMinute);  // +2.5% from the low of 100
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, model::RuleKind::kPctChangeWindow);
  EXPECT_EQ(a[0].reference_price, 100);
  EXPECT_NEAR(*a[0].change_pct, 2.5, 1e-9);
  EXPECT_EQ(a[0].company_name, "Apple Inc.");
  EXPECT_NE(a[0].message.find("within 10 minutes"), std::string::npos) << a[0].message;
  EXPECT_NE(a[0].message.find("since the open"), std::string::npos);
  // Still above the threshold (and above 80% of it): no second alert.
  EXPECT_TRUE(e.tick(102.2, kT0 + 3 * kMinute).empty());
  // Later the window no longer holds 100: the move shrinks, the rule re-arms...
  EXPECT_TRUE(e.tick(102.3, kT0 + 13 * kMinute).empty());
  // ... and a fall of 2% from the window's high fires (direction both).
  a = e.tick(100.0, kT0 + 14 * kMinute);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_LT(*a[0].change_pct, -2.0);
  EXPECT_EQ(a[0].reference_price, 102.3);  // the window's high: 102.5 has left it
}

TEST(PctChangeWindow, ASlowMoveOutsideTheWindowDoesNotFire) {
  Engine e({aapl_rule(1, model::RuleKind::kPctChangeWindow, R"({"threshold_pct":2,"window_minutes":5})")});
  // +0.5% every 4 minutes: 10% over the run, never 2% within 5 minutes.
  double p = 100;
  for (int i = 0; i < 20; ++i, p *= 1.005) EXPECT_TRUE(e.tick(p, kT0 + i * 4 * kMinute).empty()) << i;
}

TEST(PctChangeWindow, DirectionOnceAndCooldown) {
  Engine up({aapl_rule(1, model::RuleKind::kPctChangeWindow, R"({"threshold_pct":1,"direction":"up"})",
                  model::RepeatMode::kOnce)});
  EXPECT_TRUE(up.tick(100, kT0).empty());
  EXPECT_TRUE(up.tick(98, kT0 + kMinute).empty()) << "a fall does not fire an up rule";
  EXPECT_EQ(up.tick(99.5, kT0 + 2 * kMinute).size(), 1u);  // +1.53% from 98
  EXPECT_TRUE(up.tick(98, kT0 + 3 * kMinute).empty());
  EXPECT_TRUE(up.tick(100, kT0 + 4 * kMinute).empty()) << "once: fired already";
  EXPECT_TRUE(up.runtime().done);

  Engine cool({aapl_rule(1, model::RuleKind::kPctChangeWindow, R"({"threshold_pct":1,"window_minutes":1})",
                    model::RepeatMode::kRepeat, 600)});
  // A tick every 10 s, a 2% step every 2 minutes (flat long enough in
  // between to re-arm): 19 steps in 40 minutes, one alert per 10 minutes.
  std::vector<EpochMs> fired;
  for (int i = 0; i < 240; ++i) {
    for (const auto& a : cool.tick((i / 12) % 2 == 0 ? 100 : 102, kT0 + i * 10'000)) fired.push_back(a.event_ts);
  }
  EXPECT_EQ(fired, (std::vector<EpochMs>{kT0 + 2 * kMinute, kT0 + 12 * kMinute, kT0 + 22 * kMinute,
                                         kT0 + 32 * kMinute}));
}

TEST(VolumeSpike, ComparesACandleWithTheAverageOfThePreviousOnes) {
  Engine e({aapl_rule(1, model::RuleKind::kVolumeSpike, R"({"factor":3,"lookback_candles":4})")});
  const EpochMs w = model::kCandleWindowMs;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(e.candle(kT0 + i * w, 100, 1000).empty()) << "warming up";
  auto a = e.candle(kT0 + 4 * w, 101, 3500);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reference_price, 1000);
  EXPECT_EQ(a[0].threshold, 3);
  EXPECT_EQ(a[0].alert_id, "a-7-1-AAPL-c" + std::to_string(kT0 + 4 * w));
  EXPECT_NE(a[0].message.find("3.5x"), std::string::npos) << a[0].message;
  // The same candle again (a late update or the final emission): ignored.
  EXPECT_TRUE(e.candle(kT0 + 4 * w, 101, 9000).empty());
  // A second spiking candle right after: no alert until a normal one re-arms.
  EXPECT_TRUE(e.candle(kT0 + 5 * w, 101, 20000).empty());
  EXPECT_TRUE(e.candle(kT0 + 6 * w, 101, 1000).empty());
  EXPECT_EQ(e.candle(kT0 + 7 * w, 101, 100000).size(), 1u);
  EXPECT_EQ(e.runtime().values.size(), 4u);
}

TEST(MaCross, SmaFiresOnACrossInTheConfiguredDirection) {
  Engine e({aapl_rule(1, model::RuleKind::kMaCross, R"({"fast":2,"slow":4,"direction":"up"})")});
  const EpochMs w = model::kCandleWindowMs;
  int i = 0;
  for (double c : {10.0, 9.0, 8.0, 7.0, 6.0}) EXPECT_TRUE(e.candle(kT0 + w * i++, c, 1).empty());  // fast below
  // Rising closes: fast crosses above slow once.
  std::vector<model::Alert> all;
  for (double c : {8.0, 10.0, 12.0, 14.0}) {
    auto a = e.candle(kT0 + w * i++, c, 1);
    all.insert(all.end(), a.begin(), a.end());
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].message.find("SMA 2 crossed above SMA 4"), std::string::npos) << all[0].message;
  EXPECT_GT(*all[0].price, 0);
  // Falling again: a down cross, which an up rule ignores.
  for (double c : {6.0, 4.0, 2.0}) EXPECT_TRUE(e.candle(kT0 + w * i++, c, 1).empty());
  EXPECT_EQ(e.runtime().side, -1);
  EXPECT_EQ(e.runtime().closes.size(), 4u);
}

TEST(MaCross, EmaKeepsTwoNumbersAndFiresBothWays) {
  Engine e({aapl_rule(1, model::RuleKind::kMaCross, R"({"fast":3,"slow":10,"ma":"ema"})")});
  const EpochMs w = model::kCandleWindowMs;
  int fired = 0;
  int i = 0;
  for (int k = 0; k < 30; ++k) fired += static_cast<int>(e.candle(kT0 + w * i++, 100 - k, 1).size());
  EXPECT_EQ(fired, 0) << "a steady fall: fast stays below slow";
  for (int k = 0; k < 30; ++k) fired += static_cast<int>(e.candle(kT0 + w * i++, 70 + 2 * k, 1).size());
  EXPECT_EQ(fired, 1);
  for (int k = 0; k < 30; ++k) fired += static_cast<int>(e.candle(kT0 + w * i++, 130 - 3 * k, 1).size());
  EXPECT_EQ(fired, 2);
  EXPECT_TRUE(e.runtime().closes.empty());
}

TEST(NewsSentiment, FiresBeyondTheThresholdInItsDirection) {
  Engine e({aapl_rule(1, model::RuleKind::kNewsSentiment, R"({"threshold":0.5,"direction":"negative"})",
                 model::RepeatMode::kRepeat, 3600)});
  e.tick(100, kT0);
  EXPECT_TRUE(e.news("x1", 0.9, kT0 + 1000).empty()) << "positive news, negative rule";
  EXPECT_TRUE(e.news("x2", -0.4, kT0 + 2000).empty()) << "not beyond the threshold";
  auto a = e.news("x3", -0.7, kT0 + 3000);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].alert_id, "a-7-1-AAPL-nx3");
  EXPECT_EQ(a[0].sentiment, -0.7);
  EXPECT_EQ(a[0].price, 100);
  EXPECT_EQ(a[0].sector, "Technology");
  EXPECT_NE(a[0].message.find("headline x3"), std::string::npos);
  EXPECT_TRUE(e.news("x4", -0.9, kT0 + 4000).empty()) << "cooling down for an hour";
  EXPECT_EQ(e.news("x5", -0.9, kT0 + 3000 + 3600'000).size(), 1u);
}

TEST(NewsSentiment, LastSentimentEnrichesOtherAlerts) {
  Engine e({aapl_rule(1, model::RuleKind::kPriceAbove, R"({"price":150})")});
  e.tick(100, kT0);
  e.news("x1", 0.35, kT0 + 1000);
  auto a = e.tick(151, kT0 + 2000);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].sentiment, 0.35);
}

TEST(CompositeNewsDrop, NewsThenDrop) {
  Engine e({aapl_rule(1, model::RuleKind::kCompositeNewsDrop,
                 R"({"sentiment":0.5,"drop_pct":3,"window_minutes":30})")});
  EXPECT_TRUE(e.tick(100, kT0).empty());
  EXPECT_TRUE(e.news("bad", -0.8, kT0 + kMinute).empty()) << "no drop yet";
  EXPECT_TRUE(e.tick(98, kT0 + 5 * kMinute).empty());
  auto a = e.tick(96.5, kT0 + 10 * kMinute);  // -3.5% from 100, 9 minutes after the news
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].sentiment, -0.8);
  EXPECT_EQ(a[0].reference_price, 100);
  EXPECT_NEAR(*a[0].change_pct, -3.5, 1e-9);
  EXPECT_TRUE(e.tick(95, kT0 + 11 * kMinute).empty()) << "the article is used up";
}

TEST(CompositeNewsDrop, DropThenNewsAndTheWindowBounds) {
  Engine e({aapl_rule(1, model::RuleKind::kCompositeNewsDrop, R"({"drop_pct":3,"window_minutes":30})")});
  e.tick(100, kT0);
  e.tick(96, kT0 + 5 * kMinute);
  EXPECT_TRUE(e.news("meh", -0.2, kT0 + 6 * kMinute).empty()) << "not strongly negative";
  auto a = e.news("bad", -0.6, kT0 + 6 * kMinute);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].alert_id, "a-7-1-AAPL-nbad");
  // News, then a drop too late: nothing.
  Engine late({aapl_rule(1, model::RuleKind::kCompositeNewsDrop, R"({"drop_pct":3,"window_minutes":10})")});
  late.tick(100, kT0);
  late.news("bad", -0.9, kT0);
  EXPECT_TRUE(late.tick(100, kT0 + 15 * kMinute).empty());
  EXPECT_TRUE(late.tick(90, kT0 + 16 * kMinute).empty()) << "the drop came 16 minutes after the news";
}

TEST(RuleKinds, PausedRulesAreNotEvaluatedAndResumeWhenActiveAgain) {
  auto active = aapl_rule(1, model::RuleKind::kPctChangeWindow, R"({"threshold_pct":2})");
  auto paused = active;
  paused.state = model::RuleState::kPaused;
  model::UserPreferences p;
  p.user_id = UserId(7);
  p.rules = {paused};
  RuleEngine engine;
  engine.set_rules(compile_rules(p, nullptr));
  std::vector<model::Alert> out;
  engine.on_tick({"AAPL", 100, 1, kT0, "t", "USD"}, 0, 0, out);
  engine.on_tick({"AAPL", 103, 1, kT0 + kMinute, "t", "USD"}, 0, 1, out);
  EXPECT_TRUE(out.empty()) << "paused";
  p.rules = {active};
  engine.set_rules(compile_rules(p, nullptr));
  engine.on_tick({"AAPL", 100, 1, kT0 + 2 * kMinute, "t", "USD"}, 0, 2, out);
  engine.on_tick({"AAPL", 103, 1, kT0 + 3 * kMinute, "t", "USD"}, 0, 3, out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(RuleKinds, ReArmingAFiredOnceRuleLetsItFireAgain) {
  auto active = aapl_rule(1, model::RuleKind::kNewsSentiment, R"({"threshold":0.5})", model::RepeatMode::kOnce);
  model::UserPreferences p;
  p.user_id = UserId(7);
  p.rules = {active};
  RuleEngine engine;
  EXPECT_TRUE(engine.set_rules(compile_rules(p, nullptr)).empty());
  std::vector<model::Alert> out;
  model::ScoredArticle a;
  a.article.id = "x";
  a.sentiment = -0.9;
  engine.on_news("AAPL", a, out);
  engine.on_news("AAPL", a, out);
  EXPECT_EQ(out.size(), 1u);
  // Paused: its state is dropped (and the symbol reported for the changelog).
  p.rules[0].state = model::RuleState::kPaused;
  EXPECT_EQ(engine.set_rules(compile_rules(p, nullptr)), std::vector<std::string>{"AAPL"});
  EXPECT_FALSE(engine.state_of("AAPL")->rules.contains("7:1"));
  p.rules[0].state = model::RuleState::kActive;
  engine.set_rules(compile_rules(p, nullptr));
  engine.on_news("AAPL", a, out);
  EXPECT_EQ(out.size(), 2u);
}

}  // namespace
}  // namespace st::process

namespace st::process {
namespace {

/// Heap and inline bytes of one rule's runtime state, with its map entry.
std::size_t state_bytes(const std::string& key, const RuleRuntime& rt) {
  return sizeof(RuleRuntime) + rt.values.capacity() * sizeof(double) + rt.closes.capacity() * sizeof(float) +
         sizeof(std::string) + key.capacity() + 4 * sizeof(void*);  // map node: links and colour
}

TEST(RuleKinds, StateStaysUnderOneKibibytePerSymbolAndRuleAtTheLargestParameters) {
  Engine e({aapl_rule(1, model::RuleKind::kPctChangeWindow, R"({"threshold_pct":1,"window_minutes":1440})"),
            aapl_rule(2, model::RuleKind::kVolumeSpike, R"({"factor":2,"lookback_candles":96})"),
            aapl_rule(3, model::RuleKind::kMaCross, R"({"fast":199,"slow":200})"),
            aapl_rule(4, model::RuleKind::kMaCross, R"({"fast":199,"slow":200,"ma":"ema"})"),
            aapl_rule(5, model::RuleKind::kCompositeNewsDrop, R"({"drop_pct":1,"window_minutes":1440})"),
            aapl_rule(6, model::RuleKind::kNewsSentiment, R"({"threshold":0.5})")});
  for (int i = 0; i < 400; ++i) {
    const EpochMs ts = kT0 + i * model::kCandleWindowMs;
    e.tick(100 + i % 7, ts);
    e.candle(ts, 100 + i % 7, 1000 + i);
    if (i % 50 == 0) e.news(std::string("n").append(std::to_string(i)), -0.9, ts);
  }
  const auto& rules = e.engine.state_of("AAPL")->rules;
  ASSERT_EQ(rules.size(), 6u);
  for (const auto& [key, rt] : rules) {
    const std::size_t bytes = state_bytes(key, rt);
    EXPECT_LE(bytes, 1024u) << key;
    std::cout << "state of rule " << key << ": " << bytes << " bytes\n";
  }
}

}  // namespace
}  // namespace st::process

namespace st::process {
namespace {

model::EconomicIndicator release(const std::string& period, double value) {
  return {"CPI:" + period, "CPI", period, value, "percent", "test", kT0};
}

/// User 7 with rule 1: CPI above or below 3, with no symbol.
model::UserPreferences cpi_rule(const std::string& direction, model::RepeatMode repeat, std::int64_t cooldown_s = 0) {
  auto r = aapl_rule(1, model::RuleKind::kIndicatorThreshold,
                     R"({"indicator":"CPI","threshold":3,"direction":")" + direction + "\"}", repeat, cooldown_s);
  r.symbol.reset();
  model::UserPreferences p;
  p.user_id = UserId(7);
  p.rules = {r};
  return p;
}

TEST(IndicatorThreshold, FiresOnReleasesBeyondTheThresholdWithoutASymbol) {
  auto p = cpi_rule("above", model::RepeatMode::kRepeat);
  RuleEngine engine;
  engine.set_rules(compile_rules(p, nullptr));
  EXPECT_EQ(engine.rule_count(), 1u);
  std::vector<model::Alert> out;
  engine.on_indicator(release("2026-09-01", 2.9), out);
  engine.on_indicator({"UNEMPLOYMENT:2026-09-01", "UNEMPLOYMENT", "2026-09-01", 9, "percent", "t", kT0}, out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(engine.take_indicator_changes());
  EXPECT_FALSE(engine.take_indicator_changes());
  engine.on_indicator(release("2026-10-01", 3.4), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert_id, "a-7-1-iCPI:2026-10-01");
  EXPECT_FALSE(out[0].symbol.has_value());
  EXPECT_EQ(out[0].threshold, 3);
  EXPECT_EQ(out[0].kind, model::RuleKind::kIndicatorThreshold);
  EXPECT_NE(out[0].message.find("CPI for 2026-10-01: 3.4 percent, above the threshold of 3"), std::string::npos)
      << out[0].message;
  EXPECT_FALSE(engine.indicator_states().at("7:1").armed);
  // Paused: its state goes, and the change is reported for the changelog.
  EXPECT_TRUE(engine.take_indicator_changes());
  p.rules[0].state = model::RuleState::kPaused;
  engine.set_rules(compile_rules(p, nullptr));
  EXPECT_TRUE(engine.indicator_states().empty());
  EXPECT_TRUE(engine.take_indicator_changes());
}

TEST(IndicatorThreshold, OnceAndCooldown) {
  RuleEngine once;
  once.set_rules(compile_rules(cpi_rule("below", model::RepeatMode::kOnce), nullptr));
  std::vector<model::Alert> out;
  once.on_indicator(release("2026-09-01", 2.5), out);
  once.on_indicator(release("2026-10-01", 2.0), out);
  EXPECT_EQ(out.size(), 1u);

  RuleEngine cooling;  // a day of cool-down; every release is at kT0 + days
  cooling.set_rules(compile_rules(cpi_rule("below", model::RepeatMode::kRepeat, 86'400), nullptr));
  out.clear();
  for (int day : {0, 0, 1, 1, 2}) {
    auto r = release("2026-09-0" + std::to_string(day + 1), 2.0);
    r.released_ts = kT0 + day * 86'400'000LL + 1;
    cooling.on_indicator(r, out);
  }
  EXPECT_EQ(out.size(), 3u);
}

}  // namespace
}  // namespace st::process
