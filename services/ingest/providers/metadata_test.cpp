// Alpha Vantage OVERVIEW and the poller that fills in company metadata.
#include <gtest/gtest.h>

#include "alpha_vantage_overview.hpp"
#include "metadata_poller.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers {
namespace {

using namespace test_data;

TEST(AlphaVantageOverview, AnOverviewBecomesAProfile) {
  const auto r = alpha_vantage::read_overview(answer(fixture("alphavantage/OVERVIEW_IBM.json")), "IBM", kMonday);
  ASSERT_EQ(r.fetch.outcome, Outcome::kOk) << r.fetch.detail;
  ASSERT_TRUE(r.profile.has_value());
  const alpha_vantage::CompanyProfile expected{.symbol = "IBM", .name = "International Business Machines",
                                               .sector = "Technology", .industry = "Computer & Office Equipment",
                                               .exchange = "NYSE", .currency = "USD"};
  EXPECT_EQ(*r.profile, expected);
  const auto q = alpha_vantage::overview_request("http://av.test", "KEY", "IBM");
  EXPECT_EQ(q.query, (std::vector<httpclient::Field>{{"function", "OVERVIEW"}, {"symbol", "IBM"}, {"apikey", "KEY"}}));
}

TEST(AlphaVantageOverview, NoneAndOddValuesAreLeftOut) {
  const auto r = alpha_vantage::read_overview(
      answer(R"({"Symbol":"brk-b","Name":"Berkshire Hathaway","Sector":"None","Industry":"-","Exchange":"NYSE",)"
             R"("Currency":"usd"})"),
      "BRK.B", kMonday);
  ASSERT_TRUE(r.profile.has_value());
  EXPECT_EQ(r.profile->symbol, "BRK.B");
  EXPECT_TRUE(r.profile->sector.empty());
  EXPECT_TRUE(r.profile->industry.empty());
  EXPECT_TRUE(r.profile->currency.empty());  // not an upper-case ISO 4217 code
  EXPECT_EQ(r.profile->exchange, "NYSE");
}

TEST(AlphaVantageOverview, UnknownSymbolsRateLimitsAndMalformedAnswers) {
  const auto unknown = alpha_vantage::read_overview(answer(fixture("alphavantage/overview_unknown.json")), "ZZZZ", kMonday);
  EXPECT_EQ(unknown.fetch.outcome, Outcome::kBadSymbol);
  EXPECT_FALSE(unknown.profile.has_value());
  EXPECT_EQ(alpha_vantage::read_overview(answer(fixture("alphavantage/note.json")), "IBM", kMonday).fetch.outcome,
            Outcome::kRateLimited);
  EXPECT_EQ(alpha_vantage::read_overview(answer(fixture("alphavantage/OVERVIEW_IBM.json")), "MSFT", kMonday)
                .fetch.outcome,
            Outcome::kMalformed);  // another company's
  const auto cut = alpha_vantage::read_overview(answer(R"({"Symbol": "IBM", )"), "IBM", kMonday);
  EXPECT_EQ(cut.fetch.outcome, Outcome::kMalformed);
  EXPECT_EQ(cut.fetch.rejected.size(), 1u);
}

MetadataPollerOptions options() {
  return {.base_url = "http://av.test", .api_key = "K", .limits = {{4, 86'400'000}}, .refresh_ms = 7 * 86'400'000LL,
          .min_interval_ms = 3'600'000};
}

TEST(MetadataPoller, AsksForEachWantedCompanyOnceAWeekAnHourApart) {
  MetadataPoller p(options(), 1, kMonday);
  p.set_wanted({"IBM", "ZZZZ"});
  auto due = p.take_due(kMonday);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->symbol, "IBM");
  EXPECT_FALSE(p.take_due(kMonday).has_value());  // one at a time
  EXPECT_TRUE(p.complete("IBM", answer(fixture("alphavantage/OVERVIEW_IBM.json")), kMonday).profile.has_value());
  EXPECT_FALSE(p.take_due(kMonday + 3'599'999).has_value());
  due = p.take_due(kMonday + 3'600'000);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->symbol, "ZZZZ");
  p.complete("ZZZZ", answer(fixture("alphavantage/overview_unknown.json")), kMonday + 3'600'000);
  EXPECT_FALSE(p.take_due(kMonday + 2 * 3'600'000).has_value());  // both asked this week
  due = p.take_due(kMonday + 7 * 86'400'000LL + 3'600'000);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->symbol, "IBM");
}

TEST(MetadataPoller, ARateLimitedCompanyIsAskedAgainAndTheQuotaIsKept) {
  auto o = options();
  o.min_interval_ms = 1'000;
  MetadataPoller p(o, 1, kMonday);
  p.set_wanted({"IBM", "MSFT", "AAPL", "KO", "PEP"});
  auto due = p.take_due(kMonday);
  ASSERT_TRUE(due.has_value());
  p.complete(due->symbol, answer(fixture("alphavantage/note.json")), kMonday);
  EpochMs now = p.next_due(kMonday);
  due = p.take_due(now);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(due->symbol, "IBM");
  p.complete(due->symbol, answer(fixture("alphavantage/OVERVIEW_IBM.json")), now);
  int asked = 2;
  const EpochMs five_hours_later = kMonday + 5 * 3'600'000;
  while (now < five_hours_later) {
    if (auto d = p.take_due(now)) {
      ++asked;
      p.complete(d->symbol, answer("{}"), now);
    }
    now = p.next_due(now + 1);
  }
  EXPECT_EQ(asked, 4);  // the 4-a-day quota: no token comes back within 6 hours
  EXPECT_EQ(p.health(now).requests, static_cast<std::uint64_t>(asked));
}

}  // namespace
}  // namespace st::ingest::providers
