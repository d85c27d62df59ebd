#include "news_poller.hpp"

#include <gtest/gtest.h>

#include "stocktracker/model/codec.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers {
namespace {

using namespace test_data;

NewsPollerOptions options() {
  return {.base_url = "http://news.test", .api_key = "K", .limits = {{100, 86'400'000}}, .budget_share = 0.9,
          .min_interval_ms = 60'000, .remember = 20'000};
}

const std::vector<CompanyName> kCompanies = {{"AAPL", "Apple Inc."}, {"MSFT", "Microsoft Corporation"}};

Result<httpclient::Response> ok(const std::string& file) { return answer(fixture("newsapi/" + file)); }

std::optional<std::string> query_value(const httpclient::Request& r, std::string_view key) {
  for (const auto& [k, v] : r.query) {
    if (k == key) return v;
  }
  return std::nullopt;
}

TEST(NewsPoller, ThePaceIsTheDailyQuotasBudgetShare) {
  NewsPoller p(options(), 1, kMonday);
  EXPECT_EQ(p.interval_ms(), 960'000);  // 90 of 100 requests a day: one every 16 minutes
  auto fast = options();
  fast.limits = {{600, 60'000}};
  EXPECT_EQ(NewsPoller(fast, 1, kMonday).interval_ms(), 60'000);  // never faster than the minimum
}

TEST(NewsPoller, AlternatesSearchAndHeadlinesAndPublishesEachArticleOnce) {
  NewsPoller p(options(), 1, kMonday);
  p.set_companies(kCompanies);
  EpochMs now = kMonday;
  auto r = p.take_due(now);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->url, "http://news.test/v2/everything");
  EXPECT_EQ(query_value(*r, "q"), R"("Apple" OR "AAPL" OR "Microsoft" OR "MSFT")");
  EXPECT_FALSE(query_value(*r, "from").has_value());
  EXPECT_FALSE(p.take_due(now).has_value());  // one at a time
  auto result = p.complete(ok("everything.json"), now);
  ASSERT_EQ(result.outcome, Outcome::kOk) << result.detail;
  EXPECT_EQ(result.articles.size(), 3u);

  EXPECT_FALSE(p.take_due(now + 959'999).has_value());
  EXPECT_EQ(p.next_due(now), now + 960'000);
  now += 960'000;
  r = p.take_due(now);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->url, "http://news.test/v2/top-headlines");
  EXPECT_EQ(p.complete(ok("top-headlines.json"), now).articles.size(), 2u);

  now += 960'000;
  r = p.take_due(now);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->url, "http://news.test/v2/everything");
  // The newest article searched was published 14:32:10; an hour of overlap.
  EXPECT_EQ(query_value(*r, "from"), "2024-03-15T13:32:10");
  result = p.complete(ok("everything.json"), now);
  EXPECT_EQ(result.outcome, Outcome::kOk);
  EXPECT_TRUE(result.articles.empty());
  EXPECT_EQ(p.duplicates(), 3u);
}

TEST(NewsPoller, ArticlesAlreadyStoredAreNotPublishedAgain) {
  NewsPoller p(options(), 1, kMonday);
  p.set_companies(kCompanies);
  p.remember(model::article_id_for_url("https://www.reuters.com/technology/"
                                       "apple-shares-rise-iphone-demand-china-steadies-2024-03-15/"));
  ASSERT_TRUE(p.take_due(kMonday));
  const auto result = p.complete(ok("everything.json"), kMonday);
  ASSERT_EQ(result.articles.size(), 2u);
  EXPECT_EQ(result.articles[0].source, "Yahoo Entertainment");
}

TEST(NewsPoller, WithoutCompaniesOnlyHeadlines) {
  NewsPoller p(options(), 1, kMonday);
  for (int i = 0; i < 3; ++i) {
    const EpochMs now = kMonday + i * 960'000;
    auto r = p.take_due(now);
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->url, "http://news.test/v2/top-headlines");
    p.complete(ok("top-headlines.json"), now);
  }
}

TEST(NewsPoller, ARateLimitWaitsForRetryAfterAndTheSameRequestIsMadeAgain) {
  auto o = options();
  o.limits = {{600, 60'000}};
  NewsPoller p(o, 1, kMonday);
  p.set_companies(kCompanies);
  ASSERT_TRUE(p.take_due(kMonday));
  const auto limited = p.complete(answer(fixture("newsapi/error_rate_limited.json"), 429, {{"retry-after", "300"}}),
                                  kMonday);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  EXPECT_GE(p.next_due(kMonday), kMonday + 300'000);
  EXPECT_FALSE(p.take_due(kMonday + 299'000).has_value());
  const auto again = p.take_due(p.next_due(kMonday));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->url, "http://news.test/v2/everything");
  EXPECT_EQ(p.health(kMonday + 300'000).rate_limited, 1u);
}

TEST(NewsPoller, ATransportFailureCountsAgainstTheProvider) {
  NewsPoller p(options(), 1, kMonday);
  ASSERT_TRUE(p.take_due(kMonday));
  const auto failed = p.complete(std::unexpected(Error{Errc::kUnavailable, "connection refused"}), kMonday);
  EXPECT_EQ(failed.outcome, Outcome::kServerError);
  EXPECT_EQ(p.health(kMonday).failures, 1u);
  EXPECT_NE(p.health(kMonday).last_error.find("connection refused"), std::string::npos);
}

}  // namespace
}  // namespace st::ingest::providers
