// FRED and Alpha Vantage economic indicators, and the poller that fails
// over between them.
#include <gtest/gtest.h>

#include "alpha_vantage_economy.hpp"
#include "economy_poller.hpp"
#include "fred.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers {
namespace {

using namespace test_data;

const EpochMs kNow = utc("2024-06-14T12:00:00Z");

const EconomicSeries& series(std::string_view indicator) {
  for (const auto& s : economic_series()) {
    if (s.indicator == indicator) return s;
  }
  throw std::runtime_error("no series " + std::string(indicator));
}

std::optional<std::string> query_value(const httpclient::Request& r, std::string_view key) {
  for (const auto& [k, v] : r.query) {
    if (k == key) return v;
  }
  return std::nullopt;
}

TEST(EconomicSeries, EveryIndicatorHasBothProvidersAUnitAndACadence) {
  ASSERT_EQ(economic_series().size(), 6u);
  for (const auto& s : economic_series()) {
    EXPECT_FALSE(s.fred_series.empty()) << s.indicator;
    EXPECT_FALSE(s.av_function.empty()) << s.indicator;
    EXPECT_LE(s.unit.size(), 32u) << s.indicator;  // the schema's limit
    EXPECT_GE(s.poll_every_ms, 3'600'000) << s.indicator;  // none is polled by the minute
  }
  EXPECT_EQ(series("CPI").fred_series, "CPIAUCSL");
  EXPECT_EQ(series("UNEMPLOYMENT").fred_series, "UNRATE");
}

TEST(Fred, TheRequestAsksForTheNewestObservationsAsJson) {
  const auto r = fred::observations_request("http://fred.test", "KEY", series("CPI"), 12);
  EXPECT_EQ(r.url, "http://fred.test/fred/series/observations");
  EXPECT_EQ(query_value(r, "series_id"), "CPIAUCSL");
  EXPECT_EQ(query_value(r, "api_key"), "KEY");
  EXPECT_EQ(query_value(r, "file_type"), "json");
  EXPECT_EQ(query_value(r, "sort_order"), "desc");
  EXPECT_EQ(query_value(r, "limit"), "12");
}

TEST(Fred, ObservationsBecomeIndicatorValuesOldestFirst) {
  const auto r = fred::read_observations(answer(fixture("fred/observations_CPIAUCSL.json")), series("CPI"), 12, kNow);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.indicators.size(), 4u);
  EXPECT_TRUE(r.rejected.empty());
  const model::EconomicIndicator newest{.id = "CPI:2024-05-01", .indicator = "CPI", .period = "2024-05-01",
                                        .value = 313.225, .unit = "index 1982-1984=100", .source = "fred",
                                        .released_ts = kNow};
  EXPECT_EQ(r.indicators.back(), newest);
  EXPECT_EQ(r.indicators.front().period, "2024-02-01");
}

TEST(Fred, AMissingValueIsSkippedAndOnlyTheNewestAreKept) {
  const auto r =
      fred::read_observations(answer(fixture("fred/observations_DGS10.json")), series("TREASURY_YIELD"), 3, kNow);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.indicators.size(), 2u);  // 05-27 (Memorial Day) is "."; 05-24 is older than the newest three
  EXPECT_EQ(r.indicators[0].id, "TREASURY_YIELD:2024-06-12");
  EXPECT_DOUBLE_EQ(r.indicators[1].value, 4.24);
  EXPECT_TRUE(r.rejected.empty());
}

TEST(Fred, ErrorObjectsSayWhatWentWrong) {
  const auto limited =
      fred::read_observations(answer(fixture("fred/error_rate_limit.json"), 429, {{"retry-after", "20"}}),
                              series("CPI"), 12, kNow);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  EXPECT_EQ(limited.retry_after_ms, 20'000);  // a delay
  EXPECT_NE(limited.detail.find("Exceeded Rate Limit"), std::string::npos) << limited.detail;

  const auto unknown =
      fred::read_observations(answer(fixture("fred/error_series_missing.json"), 400), series("CPI"), 12, kNow);
  EXPECT_EQ(unknown.outcome, Outcome::kBadSymbol);
  ASSERT_EQ(unknown.rejected.size(), 1u);
  EXPECT_EQ(unknown.rejected[0].reason, "rejected: fred: unknown series CPIAUCSL");

  const auto key = fred::read_observations(answer(fixture("fred/error_api_key.json"), 400), series("CPI"), 12, kNow);
  EXPECT_EQ(key.outcome, Outcome::kBadRequest);
  EXPECT_TRUE(key.rejected.empty());

  EXPECT_EQ(fred::read_observations(answer("<html>Bad gateway</html>", 502), series("CPI"), 12, kNow).outcome,
            Outcome::kServerError);
}

TEST(Fred, MalformedAnswersAndRowsAreDeadLettered) {
  const auto cut = fred::read_observations(answer(R"({"observations":[{"date":"2024-05-01")"), series("CPI"), 12, kNow);
  EXPECT_EQ(cut.outcome, Outcome::kMalformed);
  ASSERT_EQ(cut.rejected.size(), 1u);
  EXPECT_EQ(cut.rejected[0].reason.rfind("parse: fred: ", 0), 0u) << cut.rejected[0].reason;

  EXPECT_EQ(fred::read_observations(answer(R"({"count":0})"), series("CPI"), 12, kNow).outcome, Outcome::kMalformed);

  const auto rows = fred::read_observations(
      answer(R"({"observations":[{"date":"2024-05-01","value":"abc"},{"date":"2024-04-01","value":"1.5"},)"
             R"({"date":"2024-03-01"}]})"),
      series("CPI"), 12, kNow);
  EXPECT_EQ(rows.outcome, Outcome::kOk);
  ASSERT_EQ(rows.indicators.size(), 1u);
  ASSERT_EQ(rows.rejected.size(), 2u);
  EXPECT_EQ(rows.rejected[0].reason.rfind("schema: fred: ", 0), 0u);

  const auto none = fred::read_observations(answer(R"({"observations":[{"date":"May 2024","value":"1"}]})"),
                                            series("CPI"), 12, kNow);
  EXPECT_EQ(none.outcome, Outcome::kMalformed);  // every row rejected: the provider is misbehaving
}

TEST(AlphaVantageEconomy, TheRequestNamesTheFunctionItsIntervalAndMaturity) {
  const auto r = alpha_vantage::economic_request("http://av.test", "KEY", series("TREASURY_YIELD"));
  EXPECT_EQ(r.url, "http://av.test/query");
  EXPECT_EQ(r.query, (std::vector<httpclient::Field>{
                         {"function", "TREASURY_YIELD"}, {"interval", "daily"}, {"maturity", "10year"}, {"apikey", "KEY"}}));
  EXPECT_FALSE(query_value(alpha_vantage::economic_request("http://av.test", "KEY", series("UNEMPLOYMENT")), "interval"));
}

TEST(AlphaVantageEconomy, DataRowsBecomeTheSameMessagesAsFreds) {
  const auto av =
      alpha_vantage::read_economic(answer(fixture("alphavantage/CPI.json")), series("CPI"), 12, kNow);
  ASSERT_EQ(av.outcome, Outcome::kOk) << av.detail;
  ASSERT_EQ(av.indicators.size(), 3u);
  const auto fred = fred::read_observations(answer(fixture("fred/observations_CPIAUCSL.json")), series("CPI"), 12, kNow);
  auto same = fred.indicators.back();
  same.source = "alphavantage";
  EXPECT_EQ(av.indicators.back(), same);  // same id, unit and value: they de-duplicate each other

  const auto yields = alpha_vantage::read_economic(answer(fixture("alphavantage/TREASURY_YIELD.json")),
                                                   series("TREASURY_YIELD"), 12, kNow);
  EXPECT_EQ(yields.indicators.size(), 3u);  // "." skipped
}

TEST(AlphaVantageEconomy, RateLimitsAndErrorsAreAlphaVantagesUsualOnes) {
  const auto note = alpha_vantage::read_economic(answer(fixture("alphavantage/note.json")), series("CPI"), 12, kNow);
  EXPECT_EQ(note.outcome, Outcome::kRateLimited);
  const auto daily =
      alpha_vantage::read_economic(answer(fixture("alphavantage/information_daily_limit.json")), series("CPI"), 12, kNow);
  EXPECT_EQ(daily.scope, RateLimitScope::kDay);
  EXPECT_EQ(alpha_vantage::read_economic(answer(fixture("alphavantage/error_apikey.json")), series("CPI"), 12, kNow)
                .outcome,
            Outcome::kBadRequest);
  EXPECT_EQ(alpha_vantage::read_economic(answer(R"({"name":"CPI","data":)"), series("CPI"), 12, kNow).outcome,
            Outcome::kMalformed);
  EXPECT_EQ(alpha_vantage::read_economic(answer(R"({"name":"CPI"})"), series("CPI"), 12, kNow).outcome,
            Outcome::kMalformed);
}

EconomyPollerOptions both() {
  return {.fred_base_url = "http://fred.test", .fred_api_key = "F", .fred_limits = {{120, 60'000}},
          .alpha_vantage_base_url = "http://av.test", .alpha_vantage_api_key = "A",
          .alpha_vantage_limits = {{5, 60'000}, {25, 86'400'000}}, .keep_latest = 12, .retry_ms = 900'000,
          .remember = 5'000};
}

/// The fixture answering `due`'s request: FRED's or Alpha Vantage's, for CPI or Treasury yields, else empty.
Result<httpclient::Response> fixture_answer(const EconomyPoller::Due& due) {
  const auto function = query_value(due.request, "function");
  const auto id = query_value(due.request, "series_id");
  if (function == "CPI") return answer(fixture("alphavantage/CPI.json"));
  if (function == "TREASURY_YIELD") return answer(fixture("alphavantage/TREASURY_YIELD.json"));
  if (id == "CPIAUCSL") return answer(fixture("fred/observations_CPIAUCSL.json"));
  if (id == "DGS10") return answer(fixture("fred/observations_DGS10.json"));
  if (id) return answer(R"({"observations":[]})");
  return answer(R"({"name":"x","data":[]})");
}

TEST(EconomyPoller, WithoutKeysItIsOff) {
  EconomyPoller p({}, 1, kNow);
  EXPECT_FALSE(p.enabled());
  EXPECT_FALSE(p.take_due(kNow).has_value());
}

TEST(EconomyPoller, AsksFredForEachIndicatorThenWaitsForItsCadence) {
  EconomyPoller p(both(), 1, kNow);
  std::size_t published = 0;
  for (std::size_t i = 0; i < economic_series().size(); ++i) {
    auto due = p.take_due(kNow);
    ASSERT_TRUE(due.has_value()) << i;
    EXPECT_EQ(due->request.url, "http://fred.test/fred/series/observations");
    EXPECT_FALSE(p.take_due(kNow).has_value());  // one at a time
    const auto r = p.complete(due->attempt, fixture_answer(*due), kNow);
    EXPECT_EQ(r.outcome, Outcome::kOk) << r.detail;
    published += r.indicators.size();
  }
  EXPECT_EQ(published, 4u + 3u);  // CPI and the 10-year yield have fixtures
  EXPECT_FALSE(p.take_due(kNow + 1).has_value());
  EXPECT_EQ(p.next_due(kNow), kNow + 2 * 3'600'000);  // Treasury yields: every 2 hours
  auto due = p.take_due(kNow + 2 * 3'600'000);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(query_value(due->request, "series_id"), "DGS10");
  const auto again = p.complete(due->attempt, fixture_answer(*due), kNow + 2 * 3'600'000);
  EXPECT_TRUE(again.indicators.empty());  // nothing new
  EXPECT_EQ(p.duplicates(), 3u);
}

TEST(EconomyPoller, WhenFredFailsAlphaVantageGivesTheSameIndicatorAndNothingIsPublishedTwice) {
  EconomyPoller p(both(), 1, kNow);
  p.remember("CPI:2024-03-01");  // stored before a restart
  auto due = p.take_due(kNow);
  ASSERT_TRUE(due.has_value());
  ASSERT_EQ(query_value(due->request, "series_id"), "GDPC1");  // the table's first row
  p.complete(due->attempt, fixture_answer(*due), kNow);
  due = p.take_due(kNow);
  ASSERT_EQ(query_value(due->request, "series_id"), "CPIAUCSL");
  const auto limited = p.complete(due->attempt, answer(fixture("fred/error_rate_limit.json"), 429), kNow);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  due = p.take_due(kNow);  // at once, from the next provider
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(query_value(due->request, "function"), "CPI");
  const auto av = p.complete(due->attempt, fixture_answer(*due), kNow);
  ASSERT_EQ(av.outcome, Outcome::kOk);
  ASSERT_EQ(av.indicators.size(), 2u);  // 2024-03-01 was remembered
  EXPECT_EQ(av.indicators[0].source, "alphavantage");
  const auto health = p.health(kNow);
  ASSERT_EQ(health.size(), 2u);
  EXPECT_EQ(health[0].provider, ProviderId::kFred);
  EXPECT_EQ(health[0].rate_limited, 1u);
}

TEST(EconomyPoller, WhenEveryProviderFailsTheIndicatorIsRetriedLater) {
  auto o = both();
  o.alpha_vantage_api_key.clear();
  EconomyPoller p(o, 1, kNow);
  auto due = p.take_due(kNow);
  ASSERT_TRUE(due.has_value());
  const auto failed = p.complete(due->attempt, std::unexpected(Error{Errc::kUnavailable, "refused"}), kNow);
  EXPECT_EQ(failed.outcome, Outcome::kServerError);
  // No provider is left for GDPC1: it waits retry_ms, while the others go
  // ahead once FRED's backoff is over.
  std::vector<std::pair<std::string, EpochMs>> asked;
  EpochMs now = kNow;
  while (now < kNow + 2'000'000 && asked.size() < 10) {
    if (auto next = p.take_due(now)) {
      asked.emplace_back(query_value(next->request, "series_id").value_or(""), now);
      p.complete(next->attempt, fixture_answer(*next), now);
    } else {
      now = p.next_due(now + 1);
    }
  }
  ASSERT_EQ(asked.size(), 6u);
  EXPECT_EQ(asked[0].first, "CPIAUCSL");
  EXPECT_EQ(asked[4].first, "UNRATE");
  EXPECT_EQ(asked[5].first, "GDPC1");
  EXPECT_EQ(asked[5].second, kNow + 900'000);
}

}  // namespace
}  // namespace st::ingest::providers
