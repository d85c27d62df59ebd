#include "yahoo_finance.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "test_fixtures.hpp"

namespace st::ingest::providers::yahoo {
namespace {

using namespace test_data;

/// The AAPL 1-minute chart with `edit` applied to its result[0].
template <class Edit>
std::string edited_chart(Edit edit) {
  auto doc = boost::json::parse(fixture("yahoo/chart_AAPL_1m.json"));
  edit(doc.at("chart").at("result").at(0).as_object());
  return boost::json::serialize(doc);
}

TEST(Yahoo, TheChartRequestAsksForTodaysMinuteBars) {
  const auto r = quote_request("http://y.test", "BRK.B");
  EXPECT_EQ(r.url, "http://y.test/v8/finance/chart/BRK-B");
  EXPECT_EQ(r.query,
            (std::vector<httpclient::Field>{{"interval", "1m"}, {"range", "1d"}, {"includePrePost", "false"}}));
}

TEST(Yahoo, MinuteBarsBecomeTicksAtTheirUtcStart) {
  const auto r = read_chart(answer(fixture("yahoo/chart_AAPL_1m.json")), "AAPL", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  EXPECT_TRUE(r.rejected.empty());
  // Ten bars 15:50-15:59 EDT, 15:54 without trades (nulls): nine ticks.
  ASSERT_EQ(r.ticks.size(), 9u);
  const model::PriceTick first{.symbol = "AAPL", .price = 172.41, .volume = 412837,
                               .ts = utc("2024-03-15T19:50:00Z"), .source = "yahoo", .currency = "USD"};
  EXPECT_EQ(r.ticks[0], first);
  EXPECT_EQ(r.ticks[3].ts, utc("2024-03-15T19:53:00Z"));
  EXPECT_EQ(r.ticks[4].ts, utc("2024-03-15T19:55:00Z"));
  // The 15:59 bar ends at 16:00, the regularMarketTime: complete, published.
  EXPECT_EQ(r.ticks[8].ts, utc("2024-03-15T19:59:00Z"));
  EXPECT_DOUBLE_EQ(r.ticks[8].price, 172.62);
  EXPECT_EQ(r.ticks[8].volume, 1934551);
}

TEST(Yahoo, TheBarStillFormingIsLeftForTheNextPoll) {
  // MSFT fetched at 11:02:27 EDT: bars 10:57-11:02, the 11:02 one unfinished.
  const auto r = read_chart(answer(fixture("yahoo/chart_MSFT_1m.json")), "MSFT", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.ticks.size(), 5u);
  EXPECT_EQ(r.ticks.back().ts, utc("2024-03-15T15:01:00Z"));
}

TEST(Yahoo, DailyBarsGetTheirSessionsCloseAcrossTheDstChange) {
  const auto r = read_chart(answer(fixture("yahoo/chart_AAPL_1d.json")), "AAPL", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.ticks.size(), 5u);
  EXPECT_EQ(r.ticks[0].ts, utc("2024-03-08T21:00:00Z"));  // opened 09:30 EST, closes 16:00 EST
  EXPECT_EQ(r.ticks[1].ts, utc("2024-03-11T20:00:00Z"));  // 16:00 EDT
  EXPECT_EQ(r.ticks[4].ts, utc("2024-03-14T20:00:00Z"));
  EXPECT_DOUBLE_EQ(r.ticks[0].price, 170.73);
  EXPECT_EQ(r.ticks[0].volume, 76114600);
}

TEST(Yahoo, NotFoundIsAnUnknownSymbolAndBadRequestABadRequest) {
  const auto missing = read_chart(answer(fixture("yahoo/error_not_found.json"), 404), "NOPE", kMonday);
  EXPECT_EQ(missing.outcome, Outcome::kBadSymbol);
  ASSERT_EQ(missing.rejected.size(), 1u);
  EXPECT_EQ(missing.rejected[0].reason,
            "rejected: yahoo: unknown symbol NOPE (Not Found: No data found, symbol may be delisted)");
  EXPECT_EQ(read_chart(answer(fixture("yahoo/error_bad_request.json"), 400), "AAPL", kMonday).outcome,
            Outcome::kBadRequest);
}

TEST(Yahoo, TooManyRequestsIsRateLimitedForAsLongAsRetryAfterSays) {
  const auto r = read_chart(answer(fixture("yahoo/too_many_requests.txt"), 429, {{"retry-after", "12"}}), "AAPL",
                            kMonday);
  EXPECT_EQ(r.outcome, Outcome::kRateLimited);
  EXPECT_EQ(r.retry_after_ms, 12'000);
  EXPECT_TRUE(r.rejected.empty());
  EXPECT_EQ(read_chart(answer("Internal Server Error", 500), "AAPL", kMonday).outcome, Outcome::kServerError);
}

TEST(Yahoo, MalformedJsonIsADeadLetter) {
  const std::string body = fixture("yahoo/chart_AAPL_1m.json").substr(0, 300);
  const auto r = read_chart(answer(body), "AAPL", kMonday);
  EXPECT_EQ(r.outcome, Outcome::kMalformed);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_TRUE(r.rejected[0].reason.starts_with("parse: yahoo: not JSON")) << r.rejected[0].reason;
  EXPECT_EQ(r.rejected[0].payload, body);
  EXPECT_EQ(read_chart(answer(R"({"chart":{"result":[],"error":null}})"), "AAPL", kMonday).outcome,
            Outcome::kMalformed);
  EXPECT_EQ(read_chart(answer(fixture("yahoo/chart_AAPL_1m.json")), "MSFT", kMonday).outcome, Outcome::kMalformed);
}

TEST(Yahoo, BadValuesInARowAreRejectedAndTheRestKept) {
  const auto body = edited_chart([](boost::json::object& result) {
    auto& quote = result.at("indicators").at("quote").at(0).as_object();
    quote.at("close").as_array()[0] = -1.0;
    quote.at("volume").as_array()[1] = "many";
  });
  const auto r = read_chart(answer(body), "AAPL", kMonday);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.ticks.size(), 7u);
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].reason, "schema: yahoo: price: must be greater than 0");
  EXPECT_EQ(r.rejected[0].payload, R"({"timestamp":1710532200,"close":-1E0,"volume":412837})");
  EXPECT_EQ(r.rejected[1].reason, "schema: yahoo: volume[1]: must be a non-negative integer");
}

// Found by tests/fuzz/provider_responses: times far outside int64 were
// converted to integers (undefined behaviour, a UBSan report).
TEST(Yahoo, TimesOutsideTheSchemasRangeAreRejectedNotConverted) {
  const auto body = edited_chart([](boost::json::object& result) {
    result.at("timestamp").as_array()[0] = 1.7108888e113;
    result.at("timestamp").as_array()[1] = -1e30;
    result.at("meta").as_object()["regularMarketTime"] = 1e300;
  });
  const auto r = read_chart(answer(body), "AAPL", kMonday);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].reason, "schema: yahoo: timestamp[0]: must be whole seconds from 1970 to 9999");
  EXPECT_EQ(r.rejected[1].reason, "schema: yahoo: timestamp[1]: must be whole seconds from 1970 to 9999");
  EXPECT_EQ(r.ticks.size(), 7u);  // no market time: none is taken for a bar still forming

  const auto daily = read_chart(answer(replaced(fixture("yahoo/chart_AAPL_1d.json"), R"("gmtoffset": -14400, "timezone")",
                                                R"("gmtoffset": 1e300, "timezone")")),
                                "AAPL", kMonday);
  EXPECT_EQ(daily.outcome, Outcome::kMalformed);
  EXPECT_NE(daily.detail.find("meta.gmtoffset"), std::string::npos) << daily.detail;
}

TEST(Yahoo, MinorUnitPricesAreTurnedIntoTheMajorCurrency) {
  const auto r = read_chart(answer(replaced(fixture("yahoo/chart_AAPL_1m.json"), R"("currency": "USD")",
                                            R"("currency": "GBp")")),
                            "AAPL", kMonday);
  ASSERT_EQ(r.ticks.size(), 9u);
  EXPECT_EQ(r.ticks[0].currency, "GBP");
  EXPECT_DOUBLE_EQ(r.ticks[0].price, 1.7241);
}

TEST(Yahoo, BeforeTheFirstTradeTheLastKnownPriceIsTheTick) {
  const auto body = edited_chart([](boost::json::object& result) {
    result.erase("timestamp");
    result.at("indicators").at("quote").at(0) = boost::json::object{};
  });
  const auto r = read_chart(answer(body), "AAPL", kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.ticks.size(), 1u);
  EXPECT_DOUBLE_EQ(r.ticks[0].price, 172.62);
  EXPECT_EQ(r.ticks[0].ts, utc("2024-03-15T20:00:00Z"));
  EXPECT_EQ(r.ticks[0].volume, 0);
}

}  // namespace
}  // namespace st::ingest::providers::yahoo
