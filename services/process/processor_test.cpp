#include "processor.hpp"

#include <gtest/gtest.h>

#include <map>

#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::process {
namespace {

constexpr EpochMs kT0 = 1764000000000;

std::vector<std::string> ticks(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(model::encode(model::PriceTick{i % 3 == 0 ? "AAPL" : "MSFT", 100.0 + (i % 50) * 0.5, 10,
                                                 kT0 + i * 700, "test", "USD"}));
  }
  return out;
}

model::UserPreferences prefs() {
  model::UserPreferences p;
  p.user_id = UserId(1);
  p.tracked = {"AAPL"};
  p.price_change_threshold = 10;
  model::AlertRuleSpec r;
  r.id = model::AlertRuleId(5);
  r.symbol = "MSFT";
  r.kind = model::RuleKind::kPriceAbove;
  r.params = R"({"price":120})";
  r.cooldown_seconds = 0;
  p.rules = {r};
  // The stateful kinds, so the restore test covers their changelog state.
  auto add = [&p](std::int64_t id, const char* symbol, model::RuleKind kind, const char* params) {
    model::AlertRuleSpec s;
    s.id = model::AlertRuleId(id);
    s.symbol = symbol;
    s.kind = kind;
    s.params = params;
    s.cooldown_seconds = 0;
    p.rules.push_back(s);
  };
  add(6, "AAPL", model::RuleKind::kPctChangeWindow, R"({"threshold_pct":5,"window_minutes":1})");
  add(7, "MSFT", model::RuleKind::kMaCross, R"({"fast":2,"slow":3})");
  add(8, "MSFT", model::RuleKind::kMaCross, R"({"fast":2,"slow":5,"ma":"ema"})");
  add(9, "AAPL", model::RuleKind::kVolumeSpike, R"({"factor":1.001,"lookback_candles":2})");
  add(10, "AAPL", model::RuleKind::kCompositeNewsDrop, R"({"drop_pct":5,"window_minutes":2})");
  return p;
}

// Outputs other than the changelog, as (topic, key, value).
std::vector<std::tuple<std::string, std::string, std::string>> outputs(const std::vector<OutRecord>& out) {
  std::vector<std::tuple<std::string, std::string, std::string>> v;
  for (const auto& r : out) {
    if (r.topic != "changelog") v.emplace_back(r.topic, r.key, r.value);
  }
  return v;
}

}  // namespace

TEST(Processor, RestoringFromTheChangelogContinuesExactlyAsUninterrupted) {
  const WindowConfig cfg{.out_of_orderness_ms = 1000, .allowed_lateness_ms = 10'000};
  const auto input = ticks(5000);

  Processor whole(cfg);
  whole.assign(0);
  whole.set_preferences(prefs());
  std::vector<OutRecord> expected;
  for (std::size_t i = 0; i < input.size(); ++i) {
    whole.on_tick_record(0, static_cast<std::int64_t>(i), "k", input[i], expected);
  }

  // Crash after 2222 records: keep only the changelog (latest per key).
  Processor first(cfg);
  first.assign(0);
  first.set_preferences(prefs());
  std::vector<OutRecord> got;
  std::map<std::string, std::string> changelog;
  for (std::size_t i = 0; i < 2222; ++i) {
    first.on_tick_record(0, static_cast<std::int64_t>(i), "k", input[i], got);
    if (i % 500 == 0 || i == 2221) {
      std::vector<OutRecord> log;
      first.flush_changelog("changelog", log);
      for (const auto& r : log) changelog[r.key] = r.value;
    }
  }
  Processor second(cfg);
  second.set_preferences(prefs());
  second.assign(0);
  for (const auto& [k, v] : changelog) ASSERT_TRUE(second.restore(0, k, v));
  for (std::size_t i = 2222; i < input.size(); ++i) {
    second.on_tick_record(0, static_cast<std::int64_t>(i), "k", input[i], got);
  }
  EXPECT_EQ(outputs(got), outputs(expected));
  EXPECT_GT(whole.stats().candles, 10u);
  EXPECT_GT(whole.stats().alerts, 0u);
  std::map<model::RuleKind, int> kinds;
  for (const auto& r : expected) {
    if (r.topic == "stock-alerts") ++kinds[model::decode_alert(r.value)->kind];
  }
  EXPECT_GT(kinds[model::RuleKind::kPctChangeWindow], 0);
  EXPECT_GT(kinds[model::RuleKind::kMaCross], 0);
  EXPECT_GT(kinds[model::RuleKind::kVolumeSpike], 0);
}

TEST(Processor, PoisonRecordsGoToTheDeadLetterTopicWithAReason) {
  Processor p({});
  p.assign(3);
  std::vector<OutRecord> out;
  p.on_tick_record(3, 42, "k", R"({"v":1,"symbol":"AAPL","price":NaN})", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "stock-prices.dlq");
  EXPECT_TRUE(out[0].headers[0].second.starts_with("parse: "));
  EXPECT_EQ(p.stats().dead_letters, 1u);
}

TEST(Processor, RecordsOfPartitionsNotOwnedAreIgnored) {
  Processor p({});
  p.assign(1);
  std::vector<OutRecord> out;
  p.on_tick_record(2, 0, "k", ticks(1)[0], out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p.stats().ticks, 0u);
}

TEST(Processor, StateCodecRoundTrips) {
  std::vector<WindowAcc> windows = {{kT0, 1, 2, 0.5, 1.5, kT0 + 1, kT0 + 9, 300, 450.25, 3, true}};
  SymbolState rules;
  rules.market.last_price = 101.5;
  rules.market.prev_close = 100;
  rules.market.day_open = 100.5;
  rules.market.day = 20416;
  RuleRuntime fired;
  fired.armed = false;
  fired.last_fired = kT0 + 5;
  rules.rules["7:default"] = fired;
  rules.market.last_ts = kT0 + 9;
  rules.market.last_candle = kT0;
  rules.market.sentiment = -0.25;
  RuleRuntime window;
  window.head = 12345;
  window.values = {0, 0, 101.5, 102.25};
  window.news_ts = kT0 + 3;
  window.news_sentiment = -0.75;
  rules.rules["7:1"] = window;
  RuleRuntime ma;
  ma.closes = {1.5F, 2.25F};
  ma.fast_ma = 2.5;
  ma.slow_ma = 3.5;
  ma.side = -1;
  rules.rules["7:2"] = ma;
  std::vector<WindowAcc> w2;
  SymbolState r2;
  ASSERT_TRUE(decode_symbol_state(encode_symbol_state(&windows, &rules), w2, r2));
  EXPECT_EQ(w2, windows);
  EXPECT_EQ(r2, rules);
  EXPECT_FALSE(decode_symbol_state("{\"v\":2}", w2, r2));
  EXPECT_FALSE(decode_symbol_state("not json", w2, r2));
}

}  // namespace st::process

namespace st::process {

TEST(Processor, NewsIsScoredIntoNewsScored) {
  Processor p({});
  std::vector<OutRecord> out;
  model::NewsArticle a;
  a.url = "https://example.com/a";
  a.id = model::article_id_for_url(a.url);
  a.title = "Apple beats estimates and raises guidance";
  a.source = "test";
  a.published_ts = 1764000000000;
  a.symbols = {"AAPL"};
  p.on_news_record(0, 1, a.id, model::encode(a), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].topic, "news-scored");
  EXPECT_EQ(out[1].key, a.id);
  // ... and re-keyed by symbol for the news rules.
  EXPECT_EQ(out[0].topic, "process-news-by-symbol");
  EXPECT_EQ(out[0].key, "AAPL");
  EXPECT_EQ(out[0].partition, -1) << "partitioned by key, like stock-prices";
  EXPECT_EQ(out[0].value, out[1].value);
  auto scored = model::decode_scored_news(out[1].value);
  ASSERT_TRUE(scored) << scored.error().message;
  EXPECT_EQ(scored->article, a);
  EXPECT_EQ(scored->label, model::SentimentLabel::kPositive);
  EXPECT_GT(scored->sentiment, 0);

  out.clear();
  p.on_news_record(0, 2, "k", "{not json", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "news-articles.dlq");
}

}  // namespace st::process

namespace st::process {

TEST(Processor, NewsRulesRunOnThePartitionThatOwnsTheSymbol) {
  Processor p({});
  p.set_news_by_symbol_topic("g-news-by-symbol");
  p.assign(2);
  model::UserPreferences prefs;
  prefs.user_id = UserId(4);
  model::AlertRuleSpec r;
  r.id = model::AlertRuleId(11);
  r.symbol = "AAPL";
  r.kind = model::RuleKind::kNewsSentiment;
  r.params = R"({"threshold":0.3,"direction":"negative"})";
  prefs.rules = {r};
  p.set_preferences(prefs);
  model::NewsArticle a;
  a.url = "https://example.com/b";
  a.id = model::article_id_for_url(a.url);
  a.title = "Apple shares plunge after weak guidance and a profit warning";
  a.source = "test";
  a.published_ts = kT0;
  a.symbols = {"AAPL", "MSFT"};
  std::vector<OutRecord> out;
  p.on_news_record(5, 1, a.id, model::encode(a), out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].topic, "g-news-by-symbol");
  EXPECT_EQ(out[1].key, "MSFT");

  std::vector<OutRecord> alerts;
  p.on_symbol_news_record(1, 0, out[0].key, out[0].value, alerts);
  EXPECT_TRUE(alerts.empty()) << "partition 1 is not ours";
  p.on_symbol_news_record(2, 0, out[0].key, out[0].value, alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].topic, "stock-alerts");
  EXPECT_EQ(alerts[0].key, "4");
  auto alert = model::decode_alert(alerts[0].value);
  ASSERT_TRUE(alert) << alert.error().message;
  EXPECT_EQ(alert->kind, model::RuleKind::kNewsSentiment);
  EXPECT_LT(*alert->sentiment, -0.3);
  EXPECT_EQ(alert->alert_id, "a-4-11-AAPL-n" + a.id);
  // The state (the last sentiment) goes to the changelog.
  std::vector<OutRecord> log;
  p.flush_changelog("changelog", log);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].key, "s:AAPL");
  EXPECT_NE(log[0].value.find("\"sentiment\""), std::string::npos) << log[0].value;

  alerts.clear();
  p.on_symbol_news_record(2, 1, "AAPL", "{broken", alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].topic, "g-news-by-symbol.dlq");
}

TEST(Processor, EveryTickedSymbolGoesToTheChangelogOncePerFlush) {
  // Ticks inside one open window emit no candle: only the tick itself marks
  // its symbol's state as changed.
  Processor p({.out_of_orderness_ms = 2000, .allowed_lateness_ms = 60000});
  p.assign(0);
  p.set_preferences(prefs());
  auto tick = [](const char* symbol, double price, EpochMs ts) {
    return model::encode(model::PriceTick{symbol, price, 10, ts, "test", "USD"});
  };
  auto keys = [](const std::vector<OutRecord>& log) {
    std::vector<std::string> k;
    for (const auto& r : log) k.push_back(r.key);
    return k;
  };
  std::vector<OutRecord> out;
  p.on_tick_record(0, 0, "AAPL", tick("AAPL", 101, kT0), out);
  p.on_tick_record(0, 1, "MSFT", tick("MSFT", 101, kT0 + 10), out);
  p.on_tick_record(0, 2, "AAPL", tick("AAPL", 102.5, kT0 + 20), out);
  p.on_tick_record(0, 3, "IBM", "{broken", out);  // a dead letter changes no state
  ASSERT_EQ(outputs(out).size(), 1u);  // the dead letter; MSFT stays below its level of 120
  std::vector<OutRecord> log;
  p.flush_changelog("changelog", log);
  EXPECT_EQ(keys(log), (std::vector<std::string>{"s:AAPL", "s:MSFT", "p"}));
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].value.find(R"("last":1.025E2)"), std::string::npos) << log[0].value;

  log.clear();
  p.flush_changelog("changelog", log);
  EXPECT_TRUE(log.empty()) << "nothing changed since the last flush";

  p.on_tick_record(0, 4, "MSFT", tick("MSFT", 102, kT0 + 30), out);
  p.flush_changelog("changelog", log);
  EXPECT_EQ(keys(log), (std::vector<std::string>{"s:MSFT", "p"}));
}

TEST(Processor, IndicatorRuleStateGoesToTheChangelogAndComesBack) {
  model::UserPreferences prefs;
  prefs.user_id = UserId(3);
  model::AlertRuleSpec r;
  r.id = model::AlertRuleId(1);
  r.kind = model::RuleKind::kIndicatorThreshold;
  r.params = R"({"indicator":"CPI","threshold":3,"direction":"above"})";
  r.repeat_mode = model::RepeatMode::kOnce;
  prefs.rules = {r};
  const model::EconomicIndicator high{"CPI:2026-10-01", "CPI", "2026-10-01", 3.5, "percent", "t", kT0};

  Processor first({});
  first.assign(0);
  first.set_preferences(prefs);
  std::vector<OutRecord> out;
  first.on_indicator_record(0, 0, "CPI", model::encode(high), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "stock-alerts");
  std::vector<OutRecord> log;
  first.flush_changelog("changelog", log);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].key, "i");
  EXPECT_EQ(log[0].partition, 0);

  // A new owner restores it: the once rule stays fired.
  Processor second({});
  second.set_preferences(prefs);
  second.assign(0);
  ASSERT_TRUE(second.restore(0, log[0].key, log[0].value));
  out.clear();
  second.on_indicator_record(0, 1, "CPI", model::encode(high), out);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(second.restore(0, "i", "{\"v\":1}"));

  second.on_indicator_record(0, 2, "CPI", "{oops", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "economic-indicators.dlq");
}

}  // namespace st::process
