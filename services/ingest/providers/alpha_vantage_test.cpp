#include "alpha_vantage.hpp"

#include <gtest/gtest.h>

#include "test_fixtures.hpp"

namespace st::ingest::providers::alpha_vantage {
namespace {

using namespace test_data;

TEST(AlphaVantage, RequestsNameTheFunctionTheSymbolAndTheKey) {
  const auto r = quote_request("http://av.test", "KEY", "BRK.B");
  EXPECT_EQ(r.url, "http://av.test/query");
  EXPECT_EQ(r.query, (std::vector<httpclient::Field>{{"function", "GLOBAL_QUOTE"}, {"symbol", "BRK.B"}, {"apikey", "KEY"}}));
  const auto i = intraday_request("http://av.test", "KEY", "IBM", "5min", false);
  EXPECT_EQ(i.query[0].second, "TIME_SERIES_INTRADAY");
  EXPECT_EQ(i.query[2], (httpclient::Field{"interval", "5min"}));
  EXPECT_EQ(i.query[3], (httpclient::Field{"outputsize", "compact"}));
  EXPECT_EQ(daily_request("http://av.test", "KEY", "IBM", true).query[2], (httpclient::Field{"outputsize", "full"}));
}

TEST(AlphaVantage, AQuoteAfterItsDayIsStampedWithThatDaysClose) {
  const auto r = read_quote(answer(fixture("alphavantage/GLOBAL_QUOTE_IBM.json")), "IBM", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.ticks.size(), 1u);
  EXPECT_TRUE(r.rejected.empty());
  const model::PriceTick expected{.symbol = "IBM", .price = 191.07, .volume = 0, .ts = utc("2024-03-15T20:00:00Z"),
                                  .source = "alphavantage", .currency = "USD"};
  EXPECT_EQ(r.ticks[0], expected);
}

TEST(AlphaVantage, AQuoteDuringItsSessionIsStampedWithTheFetchTime) {
  const EpochMs during = utc("2024-03-15T15:02:03Z");  // 11:02:03 EDT
  const auto r = read_quote(answer(fixture("alphavantage/GLOBAL_QUOTE_AAPL.json")), "AAPL", during);
  ASSERT_EQ(r.ticks.size(), 1u);
  EXPECT_EQ(r.ticks[0].ts, during);
  EXPECT_DOUBLE_EQ(r.ticks[0].price, 172.62);
}

TEST(AlphaVantage, RateLimitAnswersAreHttp200WithANoteOrInformation) {
  const auto note = read_quote(answer(fixture("alphavantage/note.json")), "IBM", kMonday);
  EXPECT_EQ(note.outcome, Outcome::kRateLimited);
  EXPECT_EQ(note.scope, RateLimitScope::kMinute);
  EXPECT_TRUE(note.rejected.empty());
  EXPECT_TRUE(note.detail.find("5 calls per minute") != std::string::npos) << note.detail;

  const auto daily = read_quote(answer(fixture("alphavantage/information_daily_limit.json")), "IBM", kMonday);
  EXPECT_EQ(daily.outcome, Outcome::kRateLimited);
  EXPECT_EQ(daily.scope, RateLimitScope::kDay);

  const auto series = read_intraday(answer(fixture("alphavantage/note.json")), "IBM", kMonday);
  EXPECT_EQ(series.outcome, Outcome::kRateLimited);
}

TEST(AlphaVantage, APremiumEndpointOrABadKeyIsABadRequest) {
  EXPECT_EQ(read_quote(answer(fixture("alphavantage/information_premium.json")), "IBM", kMonday).outcome,
            Outcome::kBadRequest);
  const auto key = read_quote(answer(fixture("alphavantage/error_apikey.json")), "IBM", kMonday);
  EXPECT_EQ(key.outcome, Outcome::kBadRequest);
  EXPECT_TRUE(key.rejected.empty());
}

TEST(AlphaVantage, AnUnknownSymbolIsAnInvalidCallOrAnEmptyQuote) {
  const auto series = read_intraday(answer(fixture("alphavantage/error_invalid_call.json")), "NOPE", kMonday);
  EXPECT_EQ(series.outcome, Outcome::kBadSymbol);
  ASSERT_EQ(series.rejected.size(), 1u);
  EXPECT_EQ(series.rejected[0].reason, "rejected: alphavantage: unknown symbol NOPE");
  const auto quote = read_quote(answer(fixture("alphavantage/global_quote_unknown.json")), "NOPE", kMonday);
  EXPECT_EQ(quote.outcome, Outcome::kBadSymbol);
  ASSERT_EQ(quote.rejected.size(), 1u);
  EXPECT_EQ(quote.rejected[0].payload, fixture("alphavantage/global_quote_unknown.json"));
}

TEST(AlphaVantage, MalformedAnswersBecomeDeadLettersWithTheirReason) {
  const std::string body = fixture("alphavantage/GLOBAL_QUOTE_IBM.json").substr(0, 120);
  const auto r = read_quote(answer(body), "IBM", kMonday);
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_TRUE(r.rejected[0].reason.starts_with("parse: alphavantage: not JSON")) << r.rejected[0].reason;
  EXPECT_EQ(r.rejected[0].payload, body);

  const auto words = read_quote(answer(replaced(fixture("alphavantage/GLOBAL_QUOTE_IBM.json"), "191.0700", "n/a")),
                                "IBM", kMonday);
  EXPECT_EQ(words.outcome, Outcome::kMalformed);
  ASSERT_EQ(words.rejected.size(), 1u);
  EXPECT_EQ(words.rejected[0].reason,
            "schema: alphavantage: Global Quote.05. price: must be a decimal number in a string");

  const auto negative = read_quote(answer(replaced(fixture("alphavantage/GLOBAL_QUOTE_IBM.json"), "191.0700", "-3.5")),
                                   "IBM", kMonday);
  EXPECT_EQ(negative.outcome, Outcome::kMalformed);
  ASSERT_EQ(negative.rejected.size(), 1u);
  EXPECT_EQ(negative.rejected[0].reason, "schema: alphavantage: price: must be greater than 0");

  const auto other = read_quote(answer(fixture("alphavantage/GLOBAL_QUOTE_AAPL.json")), "IBM", kMonday);
  EXPECT_EQ(other.outcome, Outcome::kMalformed);

  EXPECT_EQ(read_quote(answer("[1,2]"), "IBM", kMonday).outcome, Outcome::kMalformed);
  EXPECT_EQ(read_quote(answer(R"({"Something":"else"})"), "IBM", kMonday).outcome, Outcome::kMalformed);
}

TEST(AlphaVantage, HttpStatusesMeanWhatTheySay) {
  const auto limited = read_quote(answer("", 429, {{"retry-after", "30"}}), "IBM", kMonday);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  EXPECT_EQ(limited.retry_after_ms, 30'000);
  EXPECT_EQ(read_quote(answer("<html>bad gateway</html>", 502), "IBM", kMonday).outcome, Outcome::kServerError);
  EXPECT_EQ(read_quote(answer("", 404), "IBM", kMonday).outcome, Outcome::kBadRequest);
}

TEST(AlphaVantage, IntradayTimesAreUsEasternAcrossTheDstChange) {
  const auto r = read_intraday(answer(fixture("alphavantage/TIME_SERIES_INTRADAY_IBM.json")), "IBM", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.ticks.size(), 8u);
  // Friday 2024-03-08 is EST (UTC-5), Monday 2024-03-11 EDT (UTC-4): oldest first.
  EXPECT_EQ(r.ticks[0].ts, utc("2024-03-09T00:40:00Z"));
  EXPECT_DOUBLE_EQ(r.ticks[0].price, 195.95);
  EXPECT_EQ(r.ticks[0].volume, 133);
  EXPECT_EQ(r.ticks[3].ts, utc("2024-03-09T00:55:00Z"));
  EXPECT_EQ(r.ticks[4].ts, utc("2024-03-11T08:00:00Z"));
  EXPECT_EQ(r.ticks[7].ts, utc("2024-03-11T08:15:00Z"));
  EXPECT_EQ(r.ticks[7].volume, 312);
  for (const auto& t : r.ticks) {
    EXPECT_EQ(t.symbol, "IBM");
    EXPECT_EQ(t.source, "alphavantage");
  }
}

TEST(AlphaVantage, ABadRowIsRejectedAndTheOthersKept) {
  std::string body = fixture("alphavantage/TIME_SERIES_INTRADAY_IBM.json");
  body = replaced(body, R"("4. close": "191.5000")", R"("4. close": "NaN")");
  body = replaced(body, R"("5. volume": "118")", R"("5. volume": "-118")");
  const auto r = read_intraday(answer(body), "IBM", kMonday);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.ticks.size(), 6u);
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].reason, "schema: alphavantage: 2024-03-11 04:10:00.4. close: must be a decimal number in a string");
  EXPECT_TRUE(r.rejected[0].payload.starts_with(R"({"2024-03-11 04:10:00":{)")) << r.rejected[0].payload;
  EXPECT_EQ(r.rejected[1].reason,
            "schema: alphavantage: 2024-03-11 04:05:00.5. volume: must be a non-negative integer in a string");
}

TEST(AlphaVantage, ASeriesInAnotherTimeZoneOrForAnotherSymbolIsMalformed) {
  const auto zone = read_intraday(
      answer(replaced(fixture("alphavantage/TIME_SERIES_INTRADAY_IBM.json"), "US/Eastern", "UTC")), "IBM", kMonday);
  EXPECT_EQ(zone.outcome, Outcome::kMalformed);
  ASSERT_EQ(zone.rejected.size(), 1u);
  EXPECT_EQ(zone.rejected[0].reason, R"(schema: alphavantage: Meta Data.6. Time Zone: expected US/Eastern (got "UTC"))");
  EXPECT_EQ(read_intraday(answer(fixture("alphavantage/TIME_SERIES_INTRADAY_IBM.json")), "AAPL", kMonday).outcome,
            Outcome::kMalformed);
}

TEST(AlphaVantage, DailyBarsAreStampedWithTheirSessionsClose) {
  const std::string body = fixture("alphavantage/TIME_SERIES_DAILY_IBM.json");
  const auto r = read_daily(answer(body), "IBM", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.ticks.size(), 6u);
  EXPECT_EQ(r.ticks[0].ts, utc("2024-03-08T21:00:00Z"));  // 16:00 EST
  EXPECT_EQ(r.ticks[1].ts, utc("2024-03-11T20:00:00Z"));  // 16:00 EDT
  EXPECT_EQ(r.ticks[5].ts, utc("2024-03-15T20:00:00Z"));
  EXPECT_EQ(r.ticks[5].volume, 8828184);
  // While the session is open, its bar is stamped with the fetch time.
  const EpochMs open = utc("2024-03-15T18:00:00Z");
  EXPECT_EQ(read_daily(answer(body), "IBM", open).ticks.back().ts, open);
}

}  // namespace
}  // namespace st::ingest::providers::alpha_vantage
