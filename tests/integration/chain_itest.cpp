// The whole chain with every service as its own process: ingest (simulated
// event time, news) -> process -> store -> PostgreSQL, and alerts -> notify
// -> notifications, then the API over what was stored.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <algorithm>
#include <csignal>

#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"

namespace st::itest {

TEST(Chain, TicksAndNewsBecomeCandlesSentimentAlertsAndNotifications) {
  const ProcessorLock lock;  // its processor (the default group) reads every run's ticks
  ASSERT_EQ(run({"migrate"}), 0);
  ASSERT_EQ(run({"topics"}), 0);
  const std::string tag = unique_tag();
  const std::string symbol = "CH" + tag;
  auto conn = db();
  ASSERT_TRUE(conn.exec("INSERT INTO companies (symbol, name, sector) VALUES ($1, $2, 'Test')",
                        {symbol, "Chain " + tag + " Corp"}));
  const std::string email = "chain-" + tag + "@example.com";
  auto user = conn.exec(
      "INSERT INTO users (email, password_hash, display_name) VALUES "
      "($1, '$2b$12$abcdefghijklmnopqrstuuJ3cJvC5tq8Jm1tZz1u1d4cEo3c8i7eW', 'Chain') RETURNING id",
      {email});
  ASSERT_TRUE(user) << user.error().message;
  const std::int64_t user_id = user->get_int(0, 0);

  // The user tracks the symbol with a 0.2% threshold: the default rule fires.
  model::UserPreferences prefs;
  prefs.user_id = UserId(user_id);
  prefs.tracked = {symbol};
  prefs.price_change_threshold = 0.2;
  {
    const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
    auto producer = kafka::Producer::create(b != nullptr ? b : "127.0.0.1:9092");
    ASSERT_TRUE(producer);
    ASSERT_TRUE((*producer)->produce("user-preferences", std::to_string(user_id), model::encode(prefs)));
    ASSERT_TRUE((*producer)->flush(std::chrono::seconds(30)));
  }

  const EpochMs start = event_time_after_everything();
  Child process({"process"});
  Child store({"store"});
  Child notify({"notify"});
  // 20,000 ticks 200 ms apart: 66 minutes of event time, about 12 candles.
  ASSERT_EQ(run({"ingest", "--count", "20000", "--symbols", symbol, "--start-ts", std::to_string(start), "--step-ms",
                 "200", "--sim-rate", "10000", "--news-every", "0.1", "--indicators-every", "0.2"}),
            0);

  const auto count = [&](const std::string& sql) { return query_int(conn, sql, {symbol}); };
  EXPECT_TRUE(eventually([&] { return count("SELECT count(*) FROM stock_prices WHERE symbol = $1") == 20000; },
                         std::chrono::seconds(90)))
      << store.log_tail();
  EXPECT_TRUE(eventually(
      [&] { return count("SELECT count(*) FROM price_candles WHERE symbol = $1 AND interval = '5m' AND is_final") >= 10; },
      std::chrono::seconds(90)))
      << process.log_tail();
  // Final candles agree with the ticks stored for their window.
  EXPECT_EQ(count("SELECT count(*) FROM price_candles c WHERE c.symbol = $1 AND c.interval = '5m' AND c.is_final "
                  "AND c.tick_count <> "
                  "(SELECT count(*) FROM stock_prices p WHERE p.symbol = c.symbol AND p.ts >= c.bucket_start "
                  "AND p.ts < c.bucket_start + interval '5 minutes')"),
            0);
  EXPECT_TRUE(eventually(
      [&] {
        return query_int(conn, "SELECT count(*) FROM news_articles WHERE sentiment_label IS NOT NULL AND "
                               "ingested_at > now() - interval '5 minutes'") > 0;
      },
      std::chrono::seconds(60)))
      << process.log_tail();
  EXPECT_TRUE(eventually(
      [&] {
        return query_int(conn, "SELECT count(*) FROM notifications WHERE user_id = $1 AND channel = 'in_app'",
                         {std::to_string(user_id)}) > 0;
      },
      std::chrono::seconds(60)))
      << notify.log_tail();
  EXPECT_EQ(query_int(conn,
                      "SELECT count(*) - count(DISTINCT alert_id) FROM notifications WHERE user_id = $1",
                      {std::to_string(user_id)}),
            0);

  // 66 minutes of event time: at least one hour has fired, and the
  // processor's hourly candle reached price_candles through store.
  EXPECT_TRUE(eventually([&] { return count("SELECT count(*) FROM price_candles WHERE symbol = $1 AND interval = '1h'") >= 1; },
                         std::chrono::seconds(60)))
      << store.log_tail();
  // The API serves the stored candles, and hours and days built from them.
  const std::uint16_t port = free_port();
  Child api({"api", "--api-port", std::to_string(port)}, {{"JWT_SECRET", std::string(40, 'c')}});
  ASSERT_TRUE(eventually([&] { return http_get(port, "/healthz").has_value(); }, std::chrono::seconds(20)))
      << api.log_tail();
  const auto candles_of = [&](const std::string& interval) {
    const auto r = http_get(port, "/api/companies/" + symbol + "/prices?interval=" + interval + "&limit=10000");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? boost::json::parse(r->body).at("candles").as_array() : boost::json::array{};
  };
  const auto five = candles_of("5m");
  EXPECT_EQ(static_cast<std::int64_t>(five.size()), count("SELECT count(*) FROM price_candles WHERE symbol = $1 AND interval = '5m'"));
  std::int64_t ticks_5m = 0;
  for (const auto& c : five) ticks_5m += c.at("ticks").as_int64();
  for (const char* interval : {"1h", "1d"}) {
    const auto agg = candles_of(interval);
    ASSERT_FALSE(agg.empty()) << interval;
    EXPECT_LT(agg.size(), five.size()) << interval;
    std::int64_t ticks = 0;
    double high = 0;
    for (const auto& c : agg) {
      ticks += c.at("ticks").as_int64();
      high = std::max(high, c.at("high").to_number<double>());
    }
    EXPECT_EQ(ticks, ticks_5m) << interval;  // every 5-minute candle lands in exactly one bucket
    double high_5m = 0;
    for (const auto& c : five) high_5m = std::max(high_5m, c.at("high").to_number<double>());
    EXPECT_EQ(high, high_5m) << interval;
  }
  // News with its sentiment, and the economic indicators.
  EXPECT_TRUE(eventually(
      [&] {
        const auto news = http_get(port, "/api/companies/" + symbol + "/news?limit=5");
        if (!news || news->status != 200) return false;
        const auto items = boost::json::parse(news->body).at("items").as_array();
        return !items.empty() && items[0].at("sentiment").is_object() &&
               !items[0].at("sentiment").at("label").as_string().empty();
      },
      std::chrono::seconds(30)));
  EXPECT_TRUE(eventually(
      [&] {
        const auto list = http_get(port, "/api/indicators");
        if (!list || list->status != 200) return false;
        const auto doc = boost::json::parse(list->body);  // kept alive for the loop
        for (const auto& item : doc.at("items").as_array()) {
          if (item.at("indicator").as_string() == "CPI") return true;
        }
        return false;
      },
      std::chrono::seconds(30)));
  const auto cpi = http_get(port, "/api/indicators/CPI?limit=3");
  ASSERT_TRUE(cpi);
  EXPECT_EQ(cpi->status, 200) << cpi->body;
  EXPECT_FALSE(boost::json::parse(cpi->body).at("series").as_array().empty());
  const auto bad_name = http_get(port, "/api/indicators/cpi");
  ASSERT_TRUE(bad_name);
  EXPECT_EQ(bad_name->status, 400);

  const auto bad = http_get(port, "/api/companies/" + symbol + "/prices?interval=2m");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(boost::json::parse(bad->body).at("field").as_string(), "interval");
  api.signal(SIGTERM);
  EXPECT_EQ(api.wait(), 0) << api.log_tail();

  for (Child* c : {&process, &store, &notify}) {
    c->signal(SIGTERM);
    EXPECT_EQ(c->wait(), 0) << c->log_tail();
  }
  ASSERT_TRUE(conn.exec("DELETE FROM users WHERE id = $1", {std::to_string(user_id)}));
  ASSERT_TRUE(conn.exec("DELETE FROM companies WHERE symbol = $1", {symbol}));
}

}  // namespace st::itest
