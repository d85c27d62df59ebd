#include "processor.hpp"

#include <gtest/gtest.h>

#include <map>

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
  rules.market = {101.5, 100, 100.5, 20416};
  rules.rules["7:default"] = {false, false, kT0 + 5};
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
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "news-scored");
  EXPECT_EQ(out[0].key, a.id);
  auto scored = model::decode_scored_news(out[0].value);
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
