// `stocktracker ingest --source providers` against local stand-ins for Alpha
// Vantage, Yahoo Finance and News API (tests/fakes/provider_server.py,
// speaking their documented formats from tests/data/providers/), publishing
// to the real Kafka: ticks with the right UTC times, failover when Alpha
// Vantage is rate limited or slow, Retry-After honoured, malformed answers
// dead-lettered while the service keeps running; news articles published
// once each with the tracked companies they mention; economic indicators from
// FRED, and from Alpha Vantage when FRED is rate limited.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::itest {
namespace {

// Never to appear in a log line.
const std::string kApiKey = "itest-av-key-7f3d9c";
const std::string kNewsKey = "itest-news-key-2b8e41";

std::string kafka_servers() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

/// The fake provider server on a free port, for the length of a test.
class FakeProviders {
 public:
  /// `news_pages`: article URLs point at pages on the fake (--news-pages).
  explicit FakeProviders(bool news_pages = false)
      : port_(free_port()),
        news_tag_(unique_tag()),
        server_(Program{"/usr/bin/python3"}, server_args(port_, news_tag_, news_pages)) {
    if (!eventually([&] { return http_get(port_, "/_requests").has_value(); }, std::chrono::seconds(20))) {
      throw std::runtime_error("fake provider server did not start: " + server_.log_tail());
    }
  }

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// What the fake appends to its news article URLs: this test's articles.
  [[nodiscard]] std::string news_url(const std::string& fixture_url) const {
    return fixture_url + "?itest=" + news_tag_;
  }

  /// The fake's own page for a fixture article URL (--news-pages).
  [[nodiscard]] std::string news_page_url(const std::string& host, const std::string& slug) const {
    return url() + "/articles/" + host + "/" + slug + "?itest=" + news_tag_;
  }

  /// The /articles/ and /robots.txt requests so far (--news-pages).
  boost::json::array pages() {
    const auto r = http_get(port_, "/_pages");
    if (!r) throw std::runtime_error("fake provider server gone");
    return boost::json::parse(r->body).as_array();
  }

  void fault(const std::string& query) {
    const auto r = http_get(port_, "/_control?" + query);
    if (!r || r->status != 200) throw std::runtime_error("fake provider control failed: " + query);
  }

  /// The provider requests so far, oldest first.
  boost::json::array requests() {
    const auto r = http_get(port_, "/_requests");
    if (!r) throw std::runtime_error("fake provider server gone");
    return boost::json::parse(r->body).as_array();
  }

  std::vector<boost::json::object> requests_for(const std::string& provider, const std::string& symbol) {
    std::vector<boost::json::object> out;
    for (const auto& r : requests()) {
      const auto& o = r.as_object();
      if (o.at("provider").as_string() == provider && o.at("symbol").as_string() == symbol) out.push_back(o);
    }
    return out;
  }

 private:
  static std::vector<std::string> server_args(std::uint16_t port, const std::string& tag, bool news_pages) {
    std::vector<std::string> args = {std::string(std::getenv("ST_SOURCE_DIR")) + "/tests/fakes/provider_server.py",
                                     "--port", std::to_string(port), "--news-url-tag", tag};
    if (news_pages) args.emplace_back("--news-pages");
    return args;
  }
  std::uint16_t port_;
  std::string news_tag_;
  Child server_;
};

/// What arrives on a topic from now on (every partition, from its end).
class TopicTail {
 public:
  struct Record {
    std::string key;
    std::string payload;
    std::string reason;  // dlq.reason
    std::string service;  // dlq.service
    std::string source_topic;  // dlq.source.topic
  };

  explicit TopicTail(const std::string& topic) {
    auto admin = kafka::Admin::create(kafka_servers());
    if (!admin) throw std::runtime_error(admin.error().message);
    auto ends = (*admin)->end_offsets(topic, std::chrono::seconds(10));
    if (!ends) throw std::runtime_error(ends.error().message);
    auto consumer = kafka::Consumer::create(kafka_servers(), "itest-providers-" + unique_tag(), {});
    if (!consumer) throw std::runtime_error(consumer.error().message);
    consumer_ = std::move(*consumer);
    if (auto st = consumer_->assign(*ends); !st) throw std::runtime_error(st.error().message);
  }
  ~TopicTail() { consumer_->close(); }

  /// Reads until `done(records)` holds or `timeout` passes.
  bool read_until(const std::function<bool(const std::vector<Record>&)>& done, std::chrono::seconds timeout) {
    return eventually(
        [&] {
          for (auto& m : consumer_->poll_batch(1000, std::chrono::milliseconds(200))) {
            if (m.error()) continue;
            records_.push_back({std::string(m.key()), std::string(m.payload()),
                                std::string(m.header("dlq.reason").value_or("")),
                                std::string(m.header("dlq.service").value_or("")),
                                std::string(m.header("dlq.source.topic").value_or(""))});
          }
          return done(records_);
        },
        timeout);
  }
  [[nodiscard]] const std::vector<Record>& records() const { return records_; }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<Record> records_;
};

/// The ticks of `symbol` from `source` among `records`.
std::vector<model::PriceTick> ticks(const std::vector<TopicTail::Record>& records, const std::string& symbol,
                                    const std::string& source) {
  std::vector<model::PriceTick> out;
  for (const auto& r : records) {
    if (r.key != symbol) continue;
    auto t = model::decode_tick(r.payload);
    if (t && t->source == source) out.push_back(*t);
  }
  return out;
}

/// `ingest --source providers` against `fake`. Without `tracked`, DATABASE_URL
/// is empty: only `symbols` are polled, none of the tracked symbols other
/// tests leave behind.
/// A read_until condition: at least `n` ticks of `symbol` from `source`.
std::function<bool(const std::vector<TopicTail::Record>&)> at_least(std::size_t n, const std::string& symbol,
                                                                    const std::string& source) {
  return [=](const auto& records) { return ticks(records, symbol, source).size() >= n; };
}

std::vector<std::string> ingest_args(const FakeProviders& fake, const std::string& symbols, double duration_s,
                                     std::vector<std::string> extra = {}, bool tracked = false) {
  std::vector<std::string> args = {"ingest",
                                   "--source", "providers",
                                   "--symbols", symbols,
                                   "--alpha-vantage-api-key", kApiKey,
                                   "--alpha-vantage-base-url", fake.url(),
                                   "--yahoo-base-url", fake.url(),
                                   "--alpha-vantage-limits", "600/minute,10000/day",
                                   "--duration", std::to_string(duration_s),
                                   "--health-every", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  if (!tracked) args.insert(args.end(), {"--database-url", ""});
  return args;
}

std::string whole_log(const Child& child) {
  std::ifstream in(child.log_path());
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class Providers : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
  }
};

// 2024-03-15 16:00 EDT, the close of the fixtures' trading day.
constexpr EpochMs kClose = 1710532800000;

TEST_F(Providers, QuotesOfConfiguredAndTrackedSymbolsArriveWithTheirUtcTimes) {
  FakeProviders fake;
  const std::string tag = unique_tag();
  const std::string tracked = "PV" + tag;
  auto conn = db();
  ASSERT_TRUE(conn.exec("INSERT INTO companies (symbol, name, sector) VALUES ($1, 'Providers itest', 'Test')",
                        {tracked}));
  auto user = conn.exec(
      "INSERT INTO users (email, password_hash, display_name) VALUES "
      "($1, '$2b$12$abcdefghijklmnopqrstuuJ3cJvC5tq8Jm1tZz1u1d4cEo3c8i7eW', 'Providers') RETURNING id",
      {"providers-" + tag + "@example.com"});
  ASSERT_TRUE(user) << user.error().message;
  const std::string user_id(user->get(0, 0));
  ASSERT_TRUE(conn.exec("INSERT INTO user_companies (user_id, company_id) SELECT $1, id FROM companies WHERE symbol = $2",
                        {user_id, tracked}));

  TopicTail prices("stock-prices");
  TopicTail dlq("stock-prices.dlq");
  Child ingest(ingest_args(fake, "IBM,AAPL", 5, {}, true));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();

  ASSERT_TRUE(prices.read_until(
      [](const auto& r) { return !ticks(r, "IBM", "alphavantage").empty() && !ticks(r, "AAPL", "alphavantage").empty(); },
      std::chrono::seconds(30)));
  const auto ibm = ticks(prices.records(), "IBM", "alphavantage");
  ASSERT_EQ(ibm.size(), 1u);  // polled once a minute at most: one quote in 5 s
  EXPECT_EQ(ibm[0].ts, kClose);
  EXPECT_DOUBLE_EQ(ibm[0].price, 191.07);
  EXPECT_EQ(ibm[0].currency, "USD");
  const auto aapl = ticks(prices.records(), "AAPL", "alphavantage");
  ASSERT_EQ(aapl.size(), 1u);
  EXPECT_EQ(aapl[0].ts, kClose);
  EXPECT_DOUBLE_EQ(aapl[0].price, 172.62);
  EXPECT_TRUE(fake.requests_for("yahoo", "IBM").empty());  // Alpha Vantage answered: no failover

  // The tracked symbol was polled too: neither provider knows it, so each
  // answer is a dead letter saying so.
  EXPECT_FALSE(fake.requests_for("alphavantage", tracked).empty());
  ASSERT_TRUE(dlq.read_until(
      [&](const auto& records) {
        int n = 0;
        for (const auto& r : records) n += r.key == tracked ? 1 : 0;
        return n >= 2;
      },
      std::chrono::seconds(30)));
  std::set<std::string> reasons;
  for (const auto& r : dlq.records()) {
    if (r.key == tracked) reasons.insert(r.reason.substr(0, r.reason.find(" (")));
  }
  EXPECT_TRUE(reasons.contains("rejected: alphavantage: unknown symbol " + tracked));
  EXPECT_TRUE(reasons.contains("rejected: yahoo: unknown symbol " + tracked));

  const std::string log = whole_log(ingest);
  EXPECT_EQ(log.find(kApiKey), std::string::npos) << "the API key was logged";
  EXPECT_NE(log.find(R"("msg":"provider health","provider":"alphavantage","state":"closed")"), std::string::npos);
  ASSERT_TRUE(conn.exec("DELETE FROM users WHERE id = $1", {user_id}));
  ASSERT_TRUE(conn.exec("DELETE FROM companies WHERE symbol = $1", {tracked}));
}

TEST_F(Providers, WhenAlphaVantageIsRateLimitedTheSameSymbolsComeFromYahoo) {
  FakeProviders fake;
  fake.fault("provider=alphavantage&fault=note");  // its HTTP 200 "Note" on every request
  TopicTail prices("stock-prices");
  Child ingest(ingest_args(fake, "IBM,AAPL,MSFT", 5));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();

  // Yahoo's 1-minute bars, at their UTC start: IBM 15:55-15:59 EDT, AAPL
  // 15:50-15:59 without the 15:54 minute that had no trade, MSFT 10:57-11:01
  // (its 11:02 bar was still forming when the chart was taken).
  const std::map<std::string, std::vector<EpochMs>> expected = {
      {"IBM", {1710532500000, 1710532560000, 1710532620000, 1710532680000, 1710532740000}},
      {"AAPL",
       {1710532200000, 1710532260000, 1710532320000, 1710532380000, 1710532500000, 1710532560000, 1710532620000,
        1710532680000, 1710532740000}},
      {"MSFT", {1710514620000, 1710514680000, 1710514740000, 1710514800000, 1710514860000}},
  };
  ASSERT_TRUE(prices.read_until(
      [&](const auto& r) {
        for (const auto& [symbol, times] : expected) {
          if (ticks(r, symbol, "yahoo").size() < times.size()) return false;
        }
        return true;
      },
      std::chrono::seconds(30)))
      << ingest.log_tail();
  for (const auto& [symbol, times] : expected) {
    std::vector<EpochMs> got;
    for (const auto& t : ticks(prices.records(), symbol, "yahoo")) got.push_back(t.ts);
    EXPECT_EQ(got, times) << symbol;  // each bar once: polled again, nothing is republished
    EXPECT_TRUE(ticks(prices.records(), symbol, "alphavantage").empty()) << symbol;
  }
  // Alpha Vantage was asked first and said it was rate limited.
  std::size_t noted = 0;
  for (const std::string symbol : {"IBM", "AAPL", "MSFT"}) {
    for (const auto& r : fake.requests_for("alphavantage", symbol)) noted += r.at("fault") == "note" ? 1 : 0;
  }
  EXPECT_GE(noted, 1u);
  const std::string log = whole_log(ingest);
  EXPECT_NE(log.find(R"("outcome":"rate_limited","detail":"alphavantage: Thank you for using Alpha Vantage!)"),
            std::string::npos)
      << ingest.log_tail();
  EXPECT_EQ(log.find(kApiKey), std::string::npos) << "the API key was logged";
}

TEST_F(Providers, A429IsRetriedNoSoonerThanItsRetryAfter) {
  FakeProviders fake;
  fake.fault("provider=yahoo&symbol=AAPL&fault=429&retry_after=2&times=1");
  TopicTail prices("stock-prices");
  Child ingest(ingest_args(fake, "AAPL", 6, {"--providers", "yahoo"}));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();

  const auto asked = fake.requests_for("yahoo", "AAPL");
  ASSERT_GE(asked.size(), 2u) << ingest.log_tail();
  EXPECT_EQ(asked[0].at("status"), 429);
  EXPECT_EQ(asked[1].at("status"), 200);
  // Two seconds, give or take the millisecond the service's clock counts in.
  EXPECT_GE(asked[1].at("t").to_number<double>() - asked[0].at("t").to_number<double>(), 1.995);
  ASSERT_TRUE(prices.read_until(at_least(9, "AAPL", "yahoo"), std::chrono::seconds(30)));
}

TEST_F(Providers, ASlowProviderTimesOutAndTheNextOneAnswers) {
  FakeProviders fake;
  fake.fault("provider=alphavantage&symbol=AAPL&fault=slow&delay=4");
  TopicTail prices("stock-prices");
  Child ingest(ingest_args(fake, "AAPL", 4, {"--http-timeout", "1"}));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();
  ASSERT_TRUE(prices.read_until(at_least(9, "AAPL", "yahoo"), std::chrono::seconds(30))) << ingest.log_tail();
  EXPECT_TRUE(ticks(prices.records(), "AAPL", "alphavantage").empty());
  EXPECT_NE(whole_log(ingest).find(R"("outcome":"server_error","detail":"alphavantage: timeout: )"), std::string::npos)
      << ingest.log_tail();
}

TEST_F(Providers, MalformedAnswersBecomeDeadLettersAndTheServiceKeepsRunning) {
  FakeProviders fake;
  fake.fault("provider=alphavantage&symbol=MSFT&fault=malformed");
  fake.fault("provider=yahoo&symbol=MSFT&fault=malformed");
  TopicTail prices("stock-prices");
  TopicTail dlq("stock-prices.dlq");
  Child ingest(ingest_args(fake, "IBM,MSFT", 6));

  ASSERT_TRUE(dlq.read_until(
      [](const auto& records) {
        bool av = false;
        bool yahoo = false;
        for (const auto& r : records) {
          if (r.key != "MSFT") continue;
          av = av || r.reason.starts_with("parse: alphavantage: not JSON");
          yahoo = yahoo || r.reason.starts_with("parse: yahoo: not JSON");
        }
        return av && yahoo;
      },
      std::chrono::seconds(30)))
      << ingest.log_tail();
  for (const auto& r : dlq.records()) {
    if (r.key != "MSFT") continue;
    EXPECT_EQ(r.service, "ingest");
    EXPECT_EQ(r.source_topic, "stock-prices");
    EXPECT_FALSE(r.payload.empty());  // the provider's answer, as it came
  }
  // Still running, and still trying MSFT after its failures; IBM is unaffected.
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();
  EXPECT_GE(fake.requests_for("alphavantage", "MSFT").size() + fake.requests_for("yahoo", "MSFT").size(), 3u)
      << ingest.log_tail();
  ASSERT_TRUE(prices.read_until(at_least(1, "IBM", "alphavantage"), std::chrono::seconds(30)));
  EXPECT_TRUE(ticks(prices.records(), "MSFT", "alphavantage").empty());
  EXPECT_TRUE(ticks(prices.records(), "MSFT", "yahoo").empty());
}

/// The news-articles messages among `records`, by id.
std::map<std::string, model::NewsArticle> articles(const std::vector<TopicTail::Record>& records) {
  std::map<std::string, model::NewsArticle> out;
  for (const auto& r : records) {
    if (auto a = model::decode_news(r.payload)) out.emplace(r.key, *a);
  }
  return out;
}

std::vector<std::string> news_args(const FakeProviders& fake) {
  return {"--providers", "yahoo", "--news-api-key", kNewsKey, "--news-api-base-url", fake.url(),
          "--news-api-limits", "600/minute", "--news-min-interval", "1",
          "--scrape-articles", "off"};  // the fixtures' URLs are real sites: never fetched by tests
}

const std::string kAppleUrl = "https://www.reuters.com/technology/apple-shares-rise-iphone-demand-china-steadies-2024-03-15/";
const std::string kCloudUrl = "https://finance.yahoo.com/news/microsoft-ibm-expand-cloud-partnership-120000123.html";
const std::string kPieUrl = "https://www.thekitchn.com/best-apple-pie-recipe-23148";
const std::string kFordUrl = "https://www.cnbc.com/2024/03/15/ford-recall-suvs-fuel-leak.html";

TEST_F(Providers, NewsArticlesArePublishedOnceWithTheCompaniesTheyMention) {
  FakeProviders fake;
  TopicTail news("news-articles");
  // AAPL and MSFT are configured; the companies table (migration 0003)
  // gives their names.
  Child ingest(ingest_args(fake, "AAPL,MSFT,F", 6, news_args(fake), true));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();

  const std::set<std::string> ours = {fake.news_url(kAppleUrl), fake.news_url(kCloudUrl), fake.news_url(kPieUrl),
                                      fake.news_url(kFordUrl),
                                      fake.news_url("https://www.wsj.com/livecoverage/stock-market-today-dow-sp500-nasdaq-03-15-2024")};
  const auto all_ours = [&](const auto& records) {
    std::size_t n = 0;
    for (const auto& [id, a] : articles(records)) n += ours.contains(a.url) ? 1 : 0;
    return n == ours.size();
  };
  ASSERT_TRUE(news.read_until(all_ours, std::chrono::seconds(30))) << ingest.log_tail();

  // Polled every second for six: search and headlines several times each,
  // yet each article once, keyed by the hash of its URL.
  const auto asked = fake.requests_for("newsapi", "");
  ASSERT_GE(asked.size(), 3u) << ingest.log_tail();
  EXPECT_EQ(asked[0].at("function"), "everything");
  EXPECT_EQ(asked[1].at("function"), "top-headlines");
  EXPECT_EQ(asked[2].at("function"), "everything");
  // The second search starts from the newest article seen, less an hour.
  EXPECT_EQ(asked[2].at("params").as_object().at("from"), "2024-03-15T13:32:10");
  std::map<std::string, int> published;
  for (const auto& r : news.records()) {
    if (auto a = model::decode_news(r.payload); a && ours.contains(a->url)) {
      ++published[a->url];
      EXPECT_EQ(r.key, model::article_id_for_url(a->url));
    }
  }
  for (const auto& [url, n] : published) EXPECT_EQ(n, 1) << url;

  std::map<std::string, model::NewsArticle> by_url;
  for (const auto& [id, a] : articles(news.records())) by_url[a.url] = a;
  const auto& apple = by_url.at(fake.news_url(kAppleUrl));
  EXPECT_EQ(apple.source, "Reuters");
  EXPECT_EQ(apple.published_ts, 1710513130000);  // 2024-03-15T14:32:10Z
  EXPECT_EQ(apple.title, "Apple shares rise as iPhone demand in China steadies");
  const auto has = [](const model::NewsArticle& a, const std::string& symbol) {
    return std::find(a.symbols.begin(), a.symbols.end(), symbol) != a.symbols.end();
  };
  EXPECT_TRUE(has(apple, "AAPL"));
  EXPECT_TRUE(has(by_url.at(fake.news_url(kCloudUrl)), "MSFT"));
  EXPECT_TRUE(has(by_url.at(fake.news_url(kFordUrl)), "F"));  // "(NYSE: F)"
  EXPECT_FALSE(has(by_url.at(fake.news_url(kPieUrl)), "AAPL"));

  const std::string log = whole_log(ingest);
  EXPECT_EQ(log.find(kNewsKey), std::string::npos) << "the News API key was logged";
  EXPECT_NE(log.find(R"("msg":"provider health","provider":"newsapi","state":"closed")"), std::string::npos);
}

TEST_F(Providers, ArticlesWithOnlyASnippetArePublishedWithTheirPagesText) {
  FakeProviders fake(true);
  TopicTail news("news-articles");
  auto args = news_args(fake);
  args.back() = "on";  // --scrape-articles
  Child ingest(ingest_args(fake, "AAPL,MSFT", 8, args));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();

  const std::string apple_url = fake.news_page_url("www.reuters.com", "apple-shares-rise-iphone-demand-china-steadies-2024-03-15");
  const std::string pie_url = fake.news_page_url("www.thekitchn.com", "best-apple-pie-recipe-23148");
  std::map<std::string, model::NewsArticle> by_url;
  ASSERT_TRUE(news.read_until(
      [&](const auto& records) {
        for (const auto& [id, a] : articles(records)) by_url[a.url] = a;
        return by_url.contains(apple_url) && by_url.contains(pie_url);
      },
      std::chrono::seconds(30)))
      << ingest.log_tail();
  // The page's text (tests/data/html/wire_article.html) replaced News API's
  // description; the API's own title and time are kept.
  const auto& apple = by_url.at(apple_url);
  EXPECT_TRUE(apple.summary.starts_with("By A. Reporter\nAcme Corp reported first-quarter revenue")) << apple.summary;
  EXPECT_TRUE(apple.summary.ends_with("Shares rose 4% in pre-market trading.")) << apple.summary;
  EXPECT_EQ(apple.title, "Apple shares rise as iPhone demand in China steadies");
  // robots.txt disallows the pie's path: never fetched, published with its snippet.
  EXPECT_EQ(by_url.at(pie_url).summary, "A recipe that uses three kinds of apples, none of them from the company.");
  const auto pages = fake.pages();
  ASSERT_FALSE(pages.empty());
  EXPECT_EQ(pages[0].at("path"), "/robots.txt");
  for (const auto& p : pages) {
    EXPECT_FALSE(p.at("path").as_string().starts_with("/articles/www.thekitchn.com/")) << p;
    EXPECT_TRUE(p.at("user_agent").as_string().starts_with("stocktracker-scraper/")) << p;
  }
  const std::string log = whole_log(ingest);
  EXPECT_NE(log.find(R"("scrape_articles":true)"), std::string::npos);
  const auto scraped = log.find(R"("articles_scraped":)");
  ASSERT_NE(scraped, std::string::npos) << ingest.log_tail();
  EXPECT_GE(std::atoi(log.c_str() + scraped + std::string_view(R"("articles_scraped":)").size()), 1);
}

TEST_F(Providers, NewsApiRateLimitsAreWaitedOutAndMalformedAnswersDeadLettered) {
  FakeProviders fake;
  fake.fault("provider=newsapi&fault=malformed&times=1");
  TopicTail news("news-articles");
  TopicTail dlq("news-articles.dlq");
  Child ingest(ingest_args(fake, "AAPL", 10, news_args(fake), true));
  ASSERT_TRUE(dlq.read_until(
      [](const auto& records) {
        return std::any_of(records.begin(), records.end(),
                           [](const auto& r) { return r.reason.starts_with("parse: newsapi: not JSON"); });
      },
      std::chrono::seconds(30)))
      << ingest.log_tail();
  for (const auto& r : dlq.records()) {
    if (!r.reason.starts_with("parse: newsapi")) continue;
    EXPECT_EQ(r.service, "ingest");
    EXPECT_EQ(r.source_topic, "news-articles");
    EXPECT_FALSE(r.payload.empty());
  }
  // The same search again, and this time its articles.
  ASSERT_TRUE(news.read_until(
      [&](const auto& records) {
        for (const auto& [id, a] : articles(records)) {
          if (a.url == fake.news_url(kAppleUrl)) return true;
        }
        return false;
      },
      std::chrono::seconds(30)))
      << ingest.log_tail();

  // A 429 with Retry-After: 3 holds the next request back three seconds,
  // though the pace alone would ask again after one.
  fake.fault("provider=newsapi&fault=429&retry_after=3&times=1");
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();
  const auto asked = fake.requests_for("newsapi", "");
  std::size_t limited = asked.size();
  for (std::size_t i = 0; i < asked.size(); ++i) {
    if (asked[i].at("status") == 429) limited = i;
  }
  ASSERT_LT(limited + 1, asked.size()) << "no request after the 429: " << ingest.log_tail();
  EXPECT_GE(asked[limited + 1].at("t").to_number<double>() - asked[limited].at("t").to_number<double>(), 2.995);
  EXPECT_EQ(asked[limited + 1].at("function"), asked[limited].at("function"));  // the same request again
  EXPECT_NE(whole_log(ingest).find(R"("provider":"newsapi","outcome":"rate_limited","detail":"newsapi: rateLimited: )"),
            std::string::npos);
  // Meanwhile Alpha Vantage's NEWS_SENTIMENT stood in, right after the failure.
  const auto stand_ins = fake.requests_for("alphavantage", "");
  EXPECT_TRUE(std::any_of(stand_ins.begin(), stand_ins.end(), [&](const auto& r) {
    return r.at("function") == "NEWS_SENTIMENT" &&
           r.at("t").template to_number<double>() - asked[limited].at("t").template to_number<double>() < 1;
  })) << ingest.log_tail();
}

const std::string kFredKey = "itest-fred-key-5c1a77";

TEST_F(Providers, EconomicIndicatorsComeFromFredAndFromAlphaVantageWhenFredIsRateLimited) {
  FakeProviders fake;
  fake.fault("provider=fred&symbol=CPIAUCSL&fault=429");
  TopicTail topic("economic-indicators");
  Child ingest(ingest_args(fake, "IBM", 6,
                           {"--providers", "yahoo", "--fred-api-key", kFredKey, "--fred-base-url", fake.url()}));
  std::map<std::string, std::vector<model::EconomicIndicator>> by_id;
  const auto both = [&](const auto& records) {
    by_id.clear();
    for (const auto& r : records) {
      if (auto v = model::decode_indicator(r.payload)) by_id[r.key].push_back(*v);
    }
    return by_id.contains("TREASURY_YIELD:2024-05-24") && by_id.contains("CPI:2024-03-01");
  };
  ASSERT_TRUE(topic.read_until(both, std::chrono::seconds(30))) << ingest.log_tail();
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();
  topic.read_until(both, std::chrono::seconds(1));
  // DGS10 from FRED ("." on Memorial Day skipped); CPI from Alpha Vantage.
  for (const char* id : {"TREASURY_YIELD:2024-06-13", "TREASURY_YIELD:2024-06-12", "TREASURY_YIELD:2024-05-24"}) {
    ASSERT_EQ(by_id[id].size(), 1u) << id;  // published once in six seconds of polling
    EXPECT_EQ(by_id[id][0].source, "fred");
  }
  EXPECT_FALSE(by_id.contains("TREASURY_YIELD:2024-05-27"));
  for (const char* id : {"CPI:2024-05-01", "CPI:2024-04-01", "CPI:2024-03-01"}) {
    ASSERT_EQ(by_id[id].size(), 1u) << id;
    EXPECT_EQ(by_id[id][0].source, "alphavantage");
    EXPECT_EQ(by_id[id][0].unit, "index 1982-1984=100");
  }
  EXPECT_DOUBLE_EQ(by_id["CPI:2024-05-01"][0].value, 313.225);
  ASSERT_FALSE(fake.requests_for("fred", "CPIAUCSL").empty());
  EXPECT_EQ(fake.requests_for("fred", "CPIAUCSL")[0].at("status"), 429);
  EXPECT_EQ(whole_log(ingest).find(kFredKey), std::string::npos) << "the FRED key was logged";
}

TEST_F(Providers, AnIncompleteCompanyIsFilledInFromAlphaVantageOverviewWithoutOverwriting) {
  FakeProviders fake;
  const std::string symbol = "ZQ" + unique_tag();
  auto conn = db();
  ASSERT_TRUE(conn.exec("INSERT INTO companies (symbol, name, sector) VALUES ($1, $1, 'Curated')", {symbol}));
  // A company shown by its bare ticker is asked about first.
  Child ingest(ingest_args(fake, symbol, 5, {"--providers", "yahoo", "--metadata-interval", "1"}, true));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();
  const auto row = conn.exec("SELECT name, sector, industry, exchange FROM companies WHERE symbol = $1", {symbol});
  ASSERT_TRUE(row && row->size() == 1);
  EXPECT_EQ(row->get(0, 0), "Itest Company " + symbol);  // the symbol stood in for the name
  EXPECT_EQ(row->get(0, 1), "Curated");                  // kept
  EXPECT_EQ(row->get(0, 2), "Computer & Office Equipment");
  EXPECT_EQ(row->get(0, 3), "NYSE");
  EXPECT_EQ(fake.requests_for("alphavantage", symbol).size(), 1u);  // once, not at every poll
  EXPECT_TRUE(conn.exec("DELETE FROM companies WHERE symbol = $1", {symbol}));
}

// Redis database of the health test: GET /api/providers lists every
// provider hash there, and other tests' ingests publish to database 0.
const std::string kHealthRedisUrl = "redis://127.0.0.1:6379/11";

/// The providers of a GET /api/providers answer, by name.
std::map<std::string, boost::json::object> providers_of(std::uint16_t port) {
  std::map<std::string, boost::json::object> out;
  const auto r = http_get(port, "/api/providers");
  if (!r || r->status != 200) return out;
  const auto answer = boost::json::parse(r->body);  // outlives the loop (GCC 12 ends a range's temporaries early)
  for (const auto& p : answer.as_object().at("providers").as_array()) {
    out[std::string(p.as_object().at("provider").as_string())] = p.as_object();
  }
  return out;
}

TEST_F(Providers, ProviderHealthIsServedByTheApi) {
  FakeProviders fake;
  fake.fault("provider=alphavantage&fault=note");  // rate limited on every request
  fake.fault("provider=newsapi&fault=401");        // a refused key
  const std::uint16_t api_port = free_port();
  Child api({"api"}, {{"API_PORT", std::to_string(api_port)},
                      {"REDIS_URL", kHealthRedisUrl},
                      {"JWT_SECRET", "providers-itest-secret-0123456789abcdef"}});
  ASSERT_TRUE(eventually([&] { return http_get(api_port, "/healthz").has_value(); }, std::chrono::seconds(30)))
      << api.log_tail();
  Child ingest(ingest_args(fake, "IBM,AAPL", 6, {"--news-api-key", kNewsKey, "--news-api-base-url", fake.url()}),
               {{"REDIS_URL", kHealthRedisUrl}});

  std::map<std::string, boost::json::object> seen;
  const bool published = eventually(
      [&] {
        seen = providers_of(api_port);
        return seen.contains("alphavantage") && seen.contains("yahoo") && seen.contains("newsapi") &&
               seen["alphavantage"].at("rate_limited").as_int64() >= 1 && !seen["yahoo"].at("last_success_ts").is_null() &&
               !seen["newsapi"].at("last_error").is_null();
      },
      std::chrono::seconds(30));
  EXPECT_EQ(ingest.wait(std::chrono::seconds(60)), 0) << ingest.log_tail();
  ASSERT_TRUE(published) << ingest.log_tail() << api.log_tail();

  const auto& av = seen["alphavantage"];
  EXPECT_EQ(av.at("state"), "closed");  // a rate limit proves it alive: not benched
  EXPECT_TRUE(av.at("benched_until").is_null());
  // Its Note drains the minute's bucket (600/minute here), which refills at
  // 10 a second: far below 600 a moment later.
  EXPECT_LT(av.at("quota_left_minute").as_int64(), 100);
  EXPECT_TRUE(av.at("quota_left_day").is_int64());
  EXPECT_TRUE(std::string(av.at("last_error").as_string()).starts_with("alphavantage: Thank you for using Alpha Vantage"));
  EXPECT_TRUE(av.at("last_success_ts").is_null());
  const auto& yahoo = seen["yahoo"];
  EXPECT_EQ(yahoo.at("state"), "closed");
  EXPECT_TRUE(yahoo.at("quota_left_day").is_null());  // 60/minute, 2000/hour: no daily limit
  EXPECT_LE(yahoo.at("quota_left_minute").as_int64(), 60);
  EXPECT_TRUE(yahoo.at("last_error").is_null());
  EXPECT_GT(yahoo.at("last_success_ts").as_int64(), yahoo.at("updated_ts").as_int64() - 60'000);
  const auto& news = seen["newsapi"];
  EXPECT_EQ(news.at("failures"), 1);
  EXPECT_TRUE(std::string(news.at("last_error").as_string()).starts_with("newsapi: apiKeyInvalid: ")) << news;
  EXPECT_EQ(news.at("quota"), "99/100 per day");
  const auto body = http_get(api_port, "/api/providers");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->body.find(kApiKey), std::string::npos);
  EXPECT_EQ(body->body.find(kNewsKey), std::string::npos);
  api.signal(SIGTERM);
  EXPECT_EQ(api.wait(std::chrono::seconds(30)), 0);
}

}  // namespace
}  // namespace st::itest
