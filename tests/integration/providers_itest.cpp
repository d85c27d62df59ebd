// `stocktracker ingest --source providers` against local stand-ins for Alpha
// Vantage and Yahoo Finance (tests/fakes/provider_server.py, speaking their
// documented formats from tests/data/providers/), publishing to the real
// Kafka: ticks with the right UTC times, failover when Alpha Vantage is rate
// limited or slow, Retry-After honoured, malformed answers dead-lettered
// while the service keeps running.
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

std::string kafka_servers() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

/// The fake provider server on a free port, for the length of a test.
class FakeProviders {
 public:
  FakeProviders()
      : port_(free_port()),
        server_(Program{"/usr/bin/python3"},
                {std::string(std::getenv("ST_SOURCE_DIR")) + "/tests/fakes/provider_server.py", "--port",
                 std::to_string(port_)}) {
    if (!eventually([&] { return http_get(port_, "/_requests").has_value(); }, std::chrono::seconds(20))) {
      throw std::runtime_error("fake provider server did not start: " + server_.log_tail());
    }
  }

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

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
  std::uint16_t port_;
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

}  // namespace
}  // namespace st::itest
