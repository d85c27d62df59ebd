#include "news_api.hpp"

#include <gtest/gtest.h>

#include "stocktracker/model/codec.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers::news_api {
namespace {

using namespace test_data;

const std::vector<CompanyName> kCompanies = {
    {"AAPL", "Apple Inc."},        {"MSFT", "Microsoft Corporation"}, {"IBM", "International Business Machines Corporation"},
    {"GS", "The Goldman Sachs Group, Inc."}, {"BA", "The Boeing Company"}, {"F", "Ford Motor Company"},
    {"T", "AT&T Inc."}};

const SymbolMatcher& matcher() {
  static const SymbolMatcher m(kCompanies);
  return m;
}

std::string fixture_of(const std::string& name) { return fixture("newsapi/" + name); }

TEST(NewsApi, RequestsCarryTheKeyInAHeaderNeverInTheUrl) {
  const auto r = everything_request("http://news.test", "SECRET", "\"Apple\" OR \"AAPL\"", utc("2024-03-15T12:00:00.250Z"));
  EXPECT_EQ(r.url, "http://news.test/v2/everything");
  EXPECT_EQ(r.headers, (std::vector<httpclient::Field>{{"X-Api-Key", "SECRET"}}));
  EXPECT_EQ(r.query, (std::vector<httpclient::Field>{{"q", "\"Apple\" OR \"AAPL\""},
                                                     {"language", "en"},
                                                     {"sortBy", "publishedAt"},
                                                     {"pageSize", "100"},
                                                     {"from", "2024-03-15T12:00:00"}}));
  for (const auto& [k, v] : r.query) EXPECT_NE(v, "SECRET") << k;
  const auto h = top_headlines_request("http://news.test", "SECRET", "business", "us");
  EXPECT_EQ(h.url, "http://news.test/v2/top-headlines");
  EXPECT_EQ(h.query[0], (httpclient::Field{"category", "business"}));
  EXPECT_EQ(h.headers.at(0).second, "SECRET");
}

TEST(NewsApi, TheQueryNamesTheCompaniesAndLongTickersWithinFiveHundredCharacters) {
  EXPECT_EQ(query_for({kCompanies[0], kCompanies[3], kCompanies[5]}),
            R"("Apple" OR "AAPL" OR "Goldman Sachs" OR "Ford Motor")");
  std::vector<CompanyName> many;
  for (int i = 0; i < 100; ++i) many.push_back({"SYM" + std::to_string(i), "Company Number " + std::to_string(i)});
  const std::string q = query_for(many);
  EXPECT_LE(q.size(), 500u);
  EXPECT_TRUE(q.starts_with(R"("Company Number 0" OR "SYM0" OR )")) << q;
  EXPECT_TRUE(q.ends_with("\"")) << q;
}

TEST(NewsApi, ArticlesBecomeMessagesWithTheSymbolsTheyMention) {
  const auto r = read_articles(answer(fixture_of("everything.json")), matcher(), kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  EXPECT_TRUE(r.rejected.empty());
  ASSERT_EQ(r.articles.size(), 3u);  // the "[Removed]" one is skipped
  const auto& apple = r.articles[0];
  EXPECT_EQ(apple.url, "https://www.reuters.com/technology/apple-shares-rise-iphone-demand-china-steadies-2024-03-15/");
  EXPECT_EQ(apple.id, model::article_id_for_url(apple.url));
  EXPECT_EQ(apple.title, "Apple shares rise as iPhone demand in China steadies");
  EXPECT_TRUE(apple.summary.starts_with("Apple Inc (NASDAQ: AAPL) shares rose 2%"));
  EXPECT_EQ(apple.source, "Reuters");
  EXPECT_EQ(apple.published_ts, utc("2024-03-15T14:32:10Z"));
  EXPECT_EQ(apple.symbols, (std::vector<std::string>{"AAPL"}));
  EXPECT_EQ(r.articles[1].symbols, (std::vector<std::string>{"MSFT", "IBM", "GS"}));
  EXPECT_EQ(r.articles[1].source, "Yahoo Entertainment");
  EXPECT_TRUE(r.articles[2].symbols.empty()) << "an apple pie is not Apple";
}

TEST(NewsApi, TopHeadlinesFindNamesAndTaggedShortTickers) {
  const auto r = read_articles(answer(fixture_of("top-headlines.json")), matcher(), kMonday);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.detail;
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(r.articles[0].symbols, (std::vector<std::string>{"BA"}));  // "S&P", "Fed": not T, not F
  EXPECT_EQ(r.articles[1].symbols, (std::vector<std::string>{"F"}));
}

TEST(NewsApi, RateLimitsAre429WithAnErrorObject) {
  const auto limited = read_articles(answer(fixture_of("error_rate_limited.json"), 429, {{"retry-after", "120"}}),
                                     matcher(), kMonday);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  EXPECT_EQ(limited.scope, RateLimitScope::kUnknown);
  ASSERT_TRUE(limited.retry_after_ms.has_value());
  EXPECT_EQ(*limited.retry_after_ms, 120'000);
  EXPECT_EQ(limited.detail, "newsapi: rateLimited: You have been rate limited. Back off for a while before trying the "
                            "request again.");
  const auto exhausted = read_articles(answer(fixture_of("error_api_key_exhausted.json"), 429), matcher(), kMonday);
  EXPECT_EQ(exhausted.outcome, Outcome::kRateLimited);
  EXPECT_EQ(exhausted.scope, RateLimitScope::kDay);
  EXPECT_TRUE(exhausted.rejected.empty());
}

TEST(NewsApi, KeyAndParameterErrorsAreBadRequestsAndAServerErrorIsOne) {
  for (const auto& [file, status] : std::vector<std::pair<std::string, int>>{{"error_api_key_invalid.json", 401},
                                                                             {"error_api_key_missing.json", 401},
                                                                             {"error_parameters_missing.json", 400},
                                                                             {"error_maximum_results.json", 426}}) {
    const auto r = read_articles(answer(fixture_of(file), status), matcher(), kMonday);
    EXPECT_EQ(r.outcome, Outcome::kBadRequest) << file;
    EXPECT_TRUE(r.articles.empty()) << file;
  }
  EXPECT_EQ(read_articles(answer(fixture_of("error_unexpected.json"), 500), matcher(), kMonday).outcome,
            Outcome::kServerError);
  // A proxy's HTML 502: no error object, the status decides.
  EXPECT_EQ(read_articles(answer("<html>Bad Gateway</html>", 502), matcher(), kMonday).outcome, Outcome::kServerError);
  EXPECT_EQ(read_articles(answer("<html>Forbidden</html>", 403), matcher(), kMonday).outcome, Outcome::kBadRequest);
}

TEST(NewsApi, MalformedAnswersAreDeadLettered) {
  const std::string body = fixture_of("everything.json");
  const auto cut = read_articles(answer(body.substr(0, body.size() / 2)), matcher(), kMonday);
  EXPECT_EQ(cut.outcome, Outcome::kMalformed);
  ASSERT_EQ(cut.rejected.size(), 1u);
  EXPECT_TRUE(cut.rejected[0].reason.starts_with("parse: newsapi: not JSON")) << cut.rejected[0].reason;
  EXPECT_EQ(cut.rejected[0].payload, body.substr(0, body.size() / 2));

  const auto no_list = read_articles(answer(R"({"status":"ok","totalResults":0})"), matcher(), kMonday);
  EXPECT_EQ(no_list.outcome, Outcome::kMalformed);
  EXPECT_EQ(no_list.rejected.at(0).reason, "schema: newsapi: articles: missing");
  EXPECT_EQ(read_articles(answer(R"(["status","ok"])"), matcher(), kMonday).outcome, Outcome::kMalformed);
  // Nothing new is not an error.
  const auto none = read_articles(answer(R"({"status":"ok","totalResults":0,"articles":[]})"), matcher(), kMonday);
  EXPECT_EQ(none.outcome, Outcome::kOk);
  EXPECT_TRUE(none.articles.empty());
}

TEST(NewsApi, ABadArticleIsRejectedAndTheOthersKept) {
  std::string body = fixture_of("top-headlines.json");
  body = replaced(body, "\"publishedAt\": \"2024-03-15T15:05:22Z\"", "\"publishedAt\": \"yesterday\"");
  body = replaced(body, "https://www.cnbc.com/", "ftp://www.cnbc.com/");
  auto r = read_articles(answer(body), matcher(), kMonday);
  EXPECT_EQ(r.outcome, Outcome::kMalformed);  // every row rejected: the provider misbehaves
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].reason, "schema: newsapi: publishedAt: missing or not an ISO 8601 time");
  EXPECT_TRUE(r.rejected[1].reason.starts_with("schema: newsapi: url:")) << r.rejected[1].reason;
  EXPECT_NE(r.rejected[1].payload.find("ftp://www.cnbc.com/"), std::string::npos);

  body = replaced(fixture_of("top-headlines.json"), "https://www.cnbc.com/", "ftp://www.cnbc.com/");
  r = read_articles(answer(body), matcher(), kMonday);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.rejected.size(), 1u);
}

}  // namespace
}  // namespace st::ingest::providers::news_api
