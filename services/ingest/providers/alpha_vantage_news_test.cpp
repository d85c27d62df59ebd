// Alpha Vantage NEWS_SENTIMENT, and NewsPoller's failover to it.
#include <gtest/gtest.h>

#include "alpha_vantage_news.hpp"
#include "news_poller.hpp"
#include "stocktracker/model/codec.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers {
namespace {

using namespace test_data;

const std::vector<CompanyName> kCompanies = {{"AAPL", "Apple Inc."}, {"MSFT", "Microsoft Corporation"}};
const std::string kReutersUrl =
    "https://www.reuters.com/technology/apple-shares-rise-iphone-demand-china-steadies-2024-03-15/";

std::optional<std::string> query_value(const httpclient::Request& r, std::string_view key) {
  for (const auto& [k, v] : r.query) {
    if (k == key) return v;
  }
  return std::nullopt;
}

TEST(AlphaVantageNews, TheRequestAsksForTheLatestArticlesAboutOneTickerOrTheMarkets) {
  const auto r = alpha_vantage::news_request("http://av.test", "KEY", "AAPL", utc("2024-03-15T14:32:10Z"), 50);
  EXPECT_EQ(r.url, "http://av.test/query");
  EXPECT_EQ(query_value(r, "function"), "NEWS_SENTIMENT");
  EXPECT_EQ(query_value(r, "tickers"), "AAPL");
  EXPECT_EQ(query_value(r, "time_from"), "20240315T1032");  // US/Eastern (EDT)
  EXPECT_EQ(query_value(r, "sort"), "LATEST");
  EXPECT_EQ(query_value(r, "limit"), "50");
  EXPECT_EQ(query_value(r, "apikey"), "KEY");
  const auto markets = alpha_vantage::news_request("http://av.test", "KEY", "", std::nullopt, 50);
  EXPECT_EQ(query_value(markets, "topics"), "financial_markets");
  EXPECT_FALSE(query_value(markets, "tickers").has_value());
  EXPECT_FALSE(query_value(markets, "time_from").has_value());
}

TEST(AlphaVantageNews, FeedItemsBecomeArticlesWithNewsApisIds) {
  const auto r = alpha_vantage::read_news(answer(fixture("alphavantage/NEWS_SENTIMENT.json")),
                                          SymbolMatcher(kCompanies), kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.articles.size(), 2u);
  const model::NewsArticle& apple = r.articles[0];
  EXPECT_EQ(apple.id, model::article_id_for_url(kReutersUrl));  // the same id as News API's copy
  EXPECT_EQ(apple.published_ts, utc("2024-03-15T14:32:10Z"));  // 10:32:10 EDT
  EXPECT_EQ(apple.source, "Reuters");
  EXPECT_EQ(apple.symbols, std::vector<std::string>{"AAPL"});  // FOREX:USD is not a company
  EXPECT_EQ(r.articles[1].symbols, std::vector<std::string>{"BRK.B"});
  EXPECT_EQ(r.articles[1].published_ts, utc("2024-03-14T20:05:00Z"));
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].reason, "schema: alphavantage: time_published: missing or not YYYYMMDDTHHMMSS");
}

TEST(AlphaVantageNews, RateLimitsErrorsAndMalformedAnswers) {
  const SymbolMatcher none(kCompanies);
  EXPECT_EQ(alpha_vantage::read_news(answer(fixture("alphavantage/note.json")), none, kMonday).outcome,
            Outcome::kRateLimited);
  EXPECT_EQ(alpha_vantage::read_news(answer(fixture("alphavantage/information_daily_limit.json")), none, kMonday).scope,
            RateLimitScope::kDay);
  EXPECT_EQ(alpha_vantage::read_news(answer(fixture("alphavantage/error_apikey.json")), none, kMonday).outcome,
            Outcome::kBadRequest);
  const auto cut = alpha_vantage::read_news(answer(R"({"items": "1", "feed": [)"), none, kMonday);
  EXPECT_EQ(cut.outcome, Outcome::kMalformed);
  EXPECT_EQ(cut.rejected.size(), 1u);
  EXPECT_EQ(alpha_vantage::read_news(answer(R"({"items": "0"})"), none, kMonday).outcome, Outcome::kMalformed);
  const auto empty = alpha_vantage::read_news(answer(R"({"items": "0", "feed": []})"), none, kMonday);
  EXPECT_EQ(empty.outcome, Outcome::kOk);
  EXPECT_TRUE(empty.articles.empty());
}

NewsPollerOptions with_secondary() {
  return {.base_url = "http://news.test", .api_key = "K", .limits = {{100, 86'400'000}},
          .alpha_vantage_base_url = "http://av.test", .alpha_vantage_api_key = "A",
          .alpha_vantage_limits = {{4, 86'400'000}}, .budget_share = 0.9, .min_interval_ms = 60'000,
          .remember = 20'000};
}

TEST(NewsPollerFailover, WhenNewsApiIsRateLimitedAlphaVantageStandsInAndTheSameStoryIsPublishedOnce) {
  NewsPoller p(with_secondary(), 1, kMonday);
  p.set_companies(kCompanies);
  auto r = p.take_due(kMonday);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->url, "http://news.test/v2/everything");
  const auto limited = p.complete(answer(fixture("newsapi/error_rate_limited.json"), 429), kMonday);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);

  r = p.take_due(kMonday);  // the same turn, at once, from Alpha Vantage
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->url, "http://av.test/query");
  EXPECT_EQ(query_value(*r, "tickers"), "AAPL");  // the most watched company first
  const auto av = p.complete(answer(fixture("alphavantage/NEWS_SENTIMENT.json")), kMonday);
  ASSERT_EQ(av.outcome, Outcome::kOk) << av.detail;
  EXPECT_EQ(av.articles.size(), 2u);

  // News API is back at the next turn; the Reuters story it also has is not published again.
  const EpochMs later = p.next_due(kMonday);
  EXPECT_GE(later, kMonday + 960'000);
  r = p.take_due(later);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->url, "http://news.test/v2/everything");
  const auto back = p.complete(answer(fixture("newsapi/everything.json")), later);
  ASSERT_EQ(back.outcome, Outcome::kOk);
  EXPECT_EQ(back.articles.size(), 2u);  // of its three
  EXPECT_EQ(p.duplicates(), 1u);
  const auto health = p.health_all(later);
  ASSERT_EQ(health.size(), 2u);
  EXPECT_EQ(health[1].provider, ProviderId::kAlphaVantage);
  EXPECT_EQ(health[1].requests, 1u);
}

TEST(NewsPollerFailover, WhenBothFailTheTurnIsOverAndAlphaVantageIsNeverThePrimary) {
  NewsPoller p(with_secondary(), 1, kMonday);
  p.set_companies(kCompanies);
  ASSERT_TRUE(p.take_due(kMonday));
  p.complete(std::unexpected(Error{Errc::kUnavailable, "refused"}), kMonday);
  ASSERT_TRUE(p.take_due(kMonday));
  p.complete(answer(fixture("alphavantage/note.json")), kMonday);
  EXPECT_FALSE(p.take_due(kMonday).has_value());
  EXPECT_GE(p.next_due(kMonday), kMonday + 960'000);

  auto o = with_secondary();
  o.api_key.clear();
  EXPECT_FALSE(NewsPoller(o, 1, kMonday).enabled());  // its quota is for quotes
}

}  // namespace
}  // namespace st::ingest::providers
