// simulator -> Kafka -> store -> PostgreSQL -> GET /api/companies/:id/prices,
// and poison messages -> stock-prices.dlq, against the real servers.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <csignal>

#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"

namespace st::itest {
namespace {

const std::map<std::string, std::string> kApiEnv = {{"JWT_SECRET", std::string(40, 'k')}};

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
  }
};

TEST_F(Pipeline, TicksFlowFromSimulatorToTheApi) {
  const std::string tag = unique_tag();
  const std::string a = "IT" + tag + "A";
  const std::string b = "IT" + tag + "B";
  auto conn = db();
  for (const auto& s : {a, b}) {
    ASSERT_TRUE(conn.exec("INSERT INTO companies (symbol, name, sector) VALUES ($1, $2, 'Test')",
                          {s, "Integration " + s}));
  }
  constexpr int kTicks = 5000;
  ASSERT_EQ(run({"ingest", "--count", std::to_string(kTicks), "--symbols", a + "," + b, "--sim-rate", "20000",
                 "--news-every", "0", "--indicators-every", "0"}),
            0);

  Child store({"store"});
  const auto stored = [&] {
    return query_int(conn, "SELECT count(*) FROM stock_prices WHERE symbol = ANY($1::text[])",
                     {"{" + a + "," + b + "}"});
  };
  ASSERT_TRUE(eventually([&] { return stored() == kTicks; }, std::chrono::seconds(90))) << store.log_tail();
  store.signal(SIGTERM);
  EXPECT_EQ(store.wait(), 0) << store.log_tail();
  EXPECT_EQ(stored(), kTicks);

  const std::uint16_t port = free_port();
  Child api({"api", "--api-port", std::to_string(port)}, kApiEnv);
  ASSERT_TRUE(eventually([&] { return http_get(port, "/healthz").has_value(); }, std::chrono::seconds(20)))
      << api.log_tail();

  const auto ready = http_get(port, "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;

  const std::int64_t rows_a = query_int(conn, "SELECT count(*) FROM stock_prices WHERE symbol = $1", {a});
  ASSERT_GT(rows_a, 0);
  const auto prices = http_get(port, "/api/companies/" + a + "/prices?limit=10000");
  ASSERT_TRUE(prices);
  ASSERT_EQ(prices->status, 200) << prices->body;
  const auto doc = boost::json::parse(prices->body).as_object();
  EXPECT_EQ(doc.at("company").at("symbol").as_string(), a);
  const auto& list = doc.at("prices").as_array();
  EXPECT_EQ(static_cast<std::int64_t>(list.size()), rows_a);
  std::int64_t prev = 0;
  for (const auto& p : list) {
    const auto ts = p.at("ts").as_int64();
    EXPECT_GE(ts, prev);
    prev = ts;
    EXPECT_GT(p.at("price").to_number<double>(), 0.0);
  }

  // By id too, with a time window and a limit.
  const auto id = query_int(conn, "SELECT id FROM companies WHERE symbol = $1", {b});
  const auto by_id = http_get(port, "/api/companies/" + std::to_string(id) + "/prices?limit=7&from=2000-01-01");
  ASSERT_TRUE(by_id);
  EXPECT_EQ(boost::json::parse(by_id->body).at("prices").as_array().size(), 7u);

  const auto bad = http_get(port, "/api/companies/" + a + "/prices?from=yesterday");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->content_type, "application/problem+json");
  EXPECT_EQ(boost::json::parse(bad->body).at("field").as_string(), "from");

  // Latest quotes from memory: seeded from PostgreSQL, then live from Kafka.
  const auto quotes = http_get(port, "/api/quotes?symbols=" + a + "," + b + ",ZZNONE");
  ASSERT_TRUE(quotes);
  ASSERT_EQ(quotes->status, 200) << quotes->body;
  const auto qdoc = boost::json::parse(quotes->body);
  EXPECT_EQ(qdoc.at("quotes").as_array().size(), 2u) << quotes->body;
  EXPECT_EQ(qdoc.at("missing").as_array().size(), 1u);
  {
    const char* bootstrap = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
    auto producer = kafka::Producer::create(bootstrap != nullptr ? bootstrap : "127.0.0.1:9092");
    ASSERT_TRUE(producer);
    // Newer than every stored tick of `a` (they carry the wall clock of the
    // ingest run above), so the book takes it.
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::string live = R"({"v":1,"symbol":")" + a + R"(","price":123.45,"volume":7,"ts":)" +
                             std::to_string(now_ms + 1000) + R"(,"source":"itest","currency":"USD"})";
    ASSERT_TRUE((*producer)->produce("stock-prices", a, live));
    ASSERT_TRUE((*producer)->flush(std::chrono::seconds(30)));
  }
  EXPECT_TRUE(eventually(
      [&] {
        const auto r = http_get(port, "/api/quotes?symbols=" + a);
        if (!r || r->status != 200) return false;
        const auto answer = boost::json::parse(r->body);
        const auto& got = answer.at("quotes").as_array();
        return !got.empty() && got[0].at("price").to_number<double>() == 123.45;
      },
      std::chrono::seconds(20)))
      << api.log_tail();
  const auto bad_quotes = http_get(port, "/api/quotes?symbols=aapl");
  ASSERT_TRUE(bad_quotes);
  EXPECT_EQ(bad_quotes->status, 400);

  const auto list_companies = http_get(port, "/api/companies?q=" + a);
  ASSERT_TRUE(list_companies);
  EXPECT_EQ(boost::json::parse(list_companies->body).at("total").as_int64(), 1);

  api.signal(SIGTERM);
  EXPECT_EQ(api.wait(), 0) << api.log_tail();
  ASSERT_TRUE(conn.exec("DELETE FROM companies WHERE symbol = ANY($1::text[])", {"{" + a + "," + b + "}"}));
}

TEST_F(Pipeline, MalformedMessagesGoToTheDeadLetterTopicWithTheirReason) {
  const std::string tag = unique_tag();
  const std::map<std::string, std::string> bad = {
      {"truncated", R"({"v":1,"symbol":"AAPL","price":1)"},
      {"nan", R"({"v":1,"symbol":"AAPL","price":NaN,"volume":1,"ts":1,"source":"x","currency":"USD"})"},
      {"version", R"({"v":9,"symbol":"AAPL","price":1,"volume":1,"ts":1,"source":"x","currency":"USD"})"},
      {"negative", R"({"v":1,"symbol":"AAPL","price":-3,"volume":1,"ts":1,"source":"x","currency":"USD"})"},
      {"wrongtype", R"({"v":1,"symbol":"AAPL","price":"1","volume":1,"ts":1,"source":"x","currency":"USD"})"},
  };
  const char* bootstrap = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  const std::string servers = bootstrap != nullptr ? bootstrap : "127.0.0.1:9092";
  {
    auto producer = kafka::Producer::create(servers);
    ASSERT_TRUE(producer);
    for (const auto& [name, payload] : bad) {
      ASSERT_TRUE((*producer)->produce("stock-prices", "bad-" + tag + "-" + name, payload));
    }
    ASSERT_TRUE((*producer)->flush(std::chrono::seconds(30)));
  }
  Child store({"store"});

  auto consumer = kafka::Consumer::create(servers, "itest-dlq-" + tag, {});
  ASSERT_TRUE(consumer);
  ASSERT_TRUE((*consumer)->subscribe({"stock-prices.dlq"}));
  std::map<std::string, std::string> reasons;
  ASSERT_TRUE(eventually(
      [&] {
        for (auto& m : (*consumer)->poll_batch(1000, std::chrono::milliseconds(200))) {
          if (m.error() || !m.key().starts_with("bad-" + tag + "-")) continue;
          const std::string name(m.key().substr(5 + tag.size()));
          reasons[name] = std::string(m.header("dlq.reason").value_or(""));
          EXPECT_EQ(m.header("dlq.source.topic").value_or(""), "stock-prices");
          EXPECT_EQ(m.payload(), bad.at(name));
        }
        return reasons.size() == bad.size();
      },
      std::chrono::seconds(90)))
      << store.log_tail();
  (*consumer)->close();
  EXPECT_TRUE(reasons["truncated"].starts_with("parse: ")) << reasons["truncated"];
  EXPECT_TRUE(reasons["nan"].starts_with("parse: ")) << reasons["nan"];
  EXPECT_TRUE(reasons["version"].starts_with("version: ")) << reasons["version"];
  EXPECT_EQ(reasons["negative"], "schema: price: must be greater than 0");
  EXPECT_EQ(reasons["wrongtype"], "schema: price: must be a number");

  // The store is still running: bad input never stops it.
  store.signal(SIGTERM);
  EXPECT_EQ(store.wait(), 0) << store.log_tail();
}

}  // namespace
}  // namespace st::itest
