#include "stocktracker/model/codec.hpp"

#include <gtest/gtest.h>

#include "stocktracker/model/topics.hpp"

namespace st::model {
namespace {

constexpr std::string_view kTick =
    R"({"v":1,"symbol":"AAPL","price":189.25,"volume":300,"ts":1700000000000,"source":"simulator","currency":"USD"})";

std::string tick_error(std::string_view json) {
  auto r = decode_tick(json);
  return r ? "" : r.error().message;
}

std::string replaced(std::string_view from, std::string_view to) {
  std::string s(kTick);
  s.replace(s.find(from), from.size(), to);
  return s;
}

}  // namespace

TEST(TickCodec, DecodesAValidTick) {
  auto t = decode_tick(kTick);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->symbol, "AAPL");
  EXPECT_DOUBLE_EQ(t->price, 189.25);
  EXPECT_EQ(t->volume, 300);
  EXPECT_EQ(t->ts, 1700000000000);
  EXPECT_EQ(t->source, "simulator");
  EXPECT_EQ(t->currency, "USD");
}

TEST(TickCodec, EncodeDecodeRoundTrips) {
  PriceTick t{"BRK.B", 412.3456789, 0, 1, "yahoo", "EUR"};
  auto back = decode_tick(encode(t));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, t);
}

TEST(TickCodec, RejectsTruncatedJson) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{20}, kTick.size() - 1}) {
    EXPECT_TRUE(tick_error(kTick.substr(0, n)).starts_with("parse: ")) << n;
  }
}

TEST(TickCodec, RejectsWrongTypesNamingTheField) {
  EXPECT_EQ(tick_error(replaced("189.25", "\"189.25\"")), "schema: price: must be a number");
  EXPECT_EQ(tick_error(replaced("300", "3.5")), "schema: volume: must be an integer");
  EXPECT_EQ(tick_error(replaced("\"AAPL\"", "42")), "schema: symbol: must be a string");
  EXPECT_EQ(tick_error(replaced("\"AAPL\"", "\"aapl\"")), "schema: symbol: must match [A-Z][A-Z0-9.-]{0,9}");
  EXPECT_EQ(tick_error("[1,2]"), "parse: message must be a JSON object");
}

TEST(TickCodec, RejectsNanInfiniteNegativeAndZeroPrices) {
  EXPECT_TRUE(tick_error(replaced("189.25", "NaN")).starts_with("parse: "));
  EXPECT_TRUE(tick_error(replaced("189.25", "1e999")).starts_with("parse: ") ||
              tick_error(replaced("189.25", "1e999")) == "schema: price: must be finite");
  EXPECT_EQ(tick_error(replaced("189.25", "-1.5")), "schema: price: must be greater than 0");
  EXPECT_EQ(tick_error(replaced("189.25", "0")), "schema: price: must be greater than 0");
  EXPECT_EQ(tick_error(replaced("300", "-1")), "schema: volume: must be from 0 to 1000000000000");
}

TEST(TickCodec, RejectsUnknownSchemaVersionsAndFields) {
  EXPECT_EQ(tick_error(replaced("\"v\":1", "\"v\":2")),
            "version: unknown schema version 2 (this build reads version 1)");
  EXPECT_EQ(tick_error(replaced("\"v\":1,", "")), "schema: v: is required");
  EXPECT_EQ(tick_error(replaced("\"currency\":\"USD\"", "\"currency\":\"USD\",\"is_admin\":true")),
            "schema: is_admin: unknown field (the schema allows no other fields)");
  EXPECT_EQ(tick_error(replaced("\"currency\":\"USD\"", "\"currency\":\"usd\"")),
            "schema: currency: must be an ISO 4217 code like USD");
}

TEST(TickCodec, RejectsTenMegabytePayloadsBeforeParsing) {
  std::string big(10 * 1024 * 1024, ' ');
  big.replace(0, kTick.size(), kTick);
  EXPECT_EQ(tick_error(big), "oversize: message is 10485760 bytes, the limit is 1048576");
}

TEST(TickCodec, RejectsDeepNesting) {
  std::string deep(100, '[');
  EXPECT_TRUE(tick_error(deep).starts_with("parse: "));
}

TEST(NewsCodec, RoundTripsAndValidates) {
  NewsArticle a;
  a.url = "https://example.com/news/1";
  a.id = article_id_for_url(a.url);
  a.title = "Apple beats estimates";
  a.summary = "Line one\nline \"two\"";
  a.source = "newsapi";
  a.published_ts = 1700000000000;
  a.symbols = {"AAPL", "MSFT"};
  auto back = decode_news(encode(a));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
  EXPECT_EQ(a.id.size(), 32u);
  EXPECT_EQ(article_id_for_url(a.url), a.id);
  EXPECT_NE(article_id_for_url("https://example.com/news/2"), a.id);

  a.symbols = {"not a symbol"};
  EXPECT_FALSE(decode_news(encode(a)));
  a.symbols = {};
  a.url = "ftp://x/y";
  EXPECT_EQ(decode_news(encode(a)).error().message, "schema: url: must be an http:// or https:// URL");
}

TEST(IndicatorCodec, RoundTripsAndValidates) {
  EconomicIndicator e{"CPI:2024-05-01", "CPI", "2024-05-01", 313.2, "index", "fred", 1717000000000};
  auto back = decode_indicator(encode(e));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
  e.period = "2024-13-01";
  EXPECT_EQ(decode_indicator(encode(e)).error().message, "schema: period: must be a date YYYY-MM-DD");
  e.period = "2024-05-01";
  e.indicator = "cpi";
  EXPECT_FALSE(decode_indicator(encode(e)));
}

TEST(Topics, EveryTopicHasADeadLetterTwinAndPreferencesAreCompacted) {
  const auto topics = all_topics(6);
  std::size_t dlq = 0;
  for (const auto& t : topics) {
    if (t.name.ends_with(".dlq")) ++dlq;
    if (t.name == topic::kUserPreferences) {
      EXPECT_TRUE(t.compacted);
    }
  }
  EXPECT_EQ(dlq * 2, topics.size());
}

}  // namespace st::model
