#include "stocktracker/model/codec.hpp"

#include <gtest/gtest.h>

#include <random>

#include "codec_test_messages.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::model {
namespace {

constexpr std::string_view kTick = test::kTickJson;

std::string tick_error(std::string_view json) {
  auto r = decode_tick(json);
  return r ? "" : r.error().message;
}

const auto scored_error = test::error_after_edit(decode_scored_news, test::kScoredJson);
const auto candle_error = test::error_after_edit(decode_candle, test::kCandleJson);

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

TEST(ScoredNewsCodec, RoundTripsTheArticleWithItsSentiment) {
  ScoredArticle s{{"0123456789abcdef", "http://x.io", "Ünïcode headline", "", std::string(128, 's'), 1, {}},
                  -1,
                  SentimentLabel::kNegative};
  test::expect_round_trip(decode_scored_news, s);
}

TEST(ScoredNewsCodec, ValidatesSentimentLabelAndTheArticleFields) {
  EXPECT_EQ(scored_error("0.75", "1.5"), "schema: sentiment: must be from -1 to 1");
  EXPECT_EQ(scored_error("0.75", "-1.01"), "schema: sentiment: must be from -1 to 1");
  EXPECT_EQ(scored_error("0.75", "-1"), "");
  EXPECT_EQ(scored_error("\"positive\"", "\"bullish\""), "schema: label: must be one of positive, negative, neutral");
  EXPECT_EQ(scored_error("https://", "ftp://"), "schema: url: must be an http:// or https:// URL");
  EXPECT_EQ(scored_error("[\"AAPL\"]", "[\"AAPL\",\"AAPL\"]"), "schema: symbols: items must be unique");
  EXPECT_EQ(scored_error("\"Reuters\"", '"' + std::string(129, 's') + '"'),
            "schema: source: length must be from 1 to 128");
}

TEST(CandleCodec, RoundTripsWithAndWithoutVwap) {
  Candle c{"BRK.B", 300000, 600000, 412.5, 413, 400.125, 401, 0, std::nullopt, 1, false};
  test::expect_round_trip(decode_candle, c);
  c.volume = 9007199254740991;
  c.vwap = 405.0625;
  test::expect_round_trip(decode_candle, c);
}

// Found by tests/fuzz (market_messages, tick): Boost.JSON 1.81 read about
// one in ten 17-digit decimals one unit in the last place off, so a vwap or
// a price came back from Kafka as another double. The readers now round
// correctly; these are doubles it misread.
TEST(CandleCodec, EveryDoubleRoundTripsBitForBit) {
  for (const double v : {113174.08150182823, 998920.3065009761, 930338.1542954887}) {
    Candle c{"AAPL", 300000, 600000, v, v, v, v, 10, v, 2, true};
    test::expect_round_trip(decode_candle, c);
    PriceTick t{"AAPL", v, 1, 1700000000000, "simulator", "USD"};
    test::expect_round_trip(decode_tick, t);
  }
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> price(0.0001, 1e6);
  for (int i = 0; i < 20000; ++i) {
    const double v = price(rng);
    Candle c{"AAPL", 300000, 600000, v, v, v, v, 10, v, 2, true};
    const auto back = decode_candle(encode(c));
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(*back, c) << encode(c);
  }
}

TEST(CandleCodec, ValidatesTheWindow) {
  EXPECT_EQ(candle_error("1700000100000", "1700000100001"), "schema: start_ts: must be a multiple of 300000");
  EXPECT_EQ(candle_error("1700000400000", "1700000400001"), "schema: end_ts: must be a multiple of 300000");
  EXPECT_EQ(candle_error("1700000400000", "1700000700000"), "schema: end_ts: must be start_ts + 300000");
  EXPECT_EQ(candle_error("1700000100000", "0"), "schema: start_ts: must be from 1 to 253402300799999");
  EXPECT_EQ(candle_error("1700000400000", "253402300800000"), "schema: end_ts: must be from 1 to 253402300799999");
  // An out-of-range time is refused before the window checks compute with
  // it: start_ts + 300000 overflowed (undefined behaviour; make fuzz).
  EXPECT_EQ(candle_error("1700000100000", "9223372036854775807"),
            "schema: start_ts: must be from 1 to 253402300799999");
}

TEST(CandleCodec, ValidatesPricesVolumeAndTicks) {
  EXPECT_EQ(candle_error("189.25", "0"), "schema: open: must be greater than 0");
  EXPECT_EQ(candle_error("190.5", "1e12"), "schema: high: must be less than 1000000000000");
  EXPECT_EQ(candle_error("188.75", "-3"), "schema: low: must be greater than 0");
  EXPECT_EQ(candle_error("\"close\":190", "\"close\":\"190\""), "schema: close: must be a number");
  EXPECT_EQ(candle_error("1200", "-1"), "schema: volume: must be from 0 to 9007199254740991");
  EXPECT_EQ(candle_error("1200", "9007199254740992"), "schema: volume: must be from 0 to 9007199254740991");
  EXPECT_EQ(candle_error("\"ticks\":4", "\"ticks\":0"), "schema: ticks: must be at least 1");
  EXPECT_EQ(candle_error("true", "1"), "schema: final: must be a boolean");
  EXPECT_EQ(candle_error("189.6", "0"), "schema: vwap: must be greater than 0");
}

TEST(CandleCodec, VwapIsNullExactlyWhenVolumeIsZero) {
  const auto zero_volume = test::edited(test::kCandleJson, "1200", "0");
  EXPECT_EQ(test::error_of(decode_candle, test::edited(zero_volume, "189.6", "null")), "");
  EXPECT_EQ(test::error_of(decode_candle, zero_volume), "schema: vwap: must be null when volume is 0");
  EXPECT_EQ(test::error_of(decode_candle, test::edited(test::kCandleJson, "189.6", "null")),
            "schema: vwap: must be a number when volume is above 0");
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
  EXPECT_EQ(dlq * 2 + 2, topics.size());  // + the late side output and the changelog
}

}  // namespace st::model
