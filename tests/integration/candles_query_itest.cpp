// The candles of GET /api/companies/:id/prices?interval=5m|1h|1d (services/api
// candles_query.hpp) against the real price_candles: 5-minute candles are the
// newest `limit` stored rows of the range, oldest first, as stored (VWAP null
// where the volume is 0); hours and New York days are aggregated from them
// (stored ones preferred), reading only the newest rows the `limit` needs,
// and equal to the whole range aggregated the straightforward way.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "candles_query.hpp"
#include "harness.hpp"

namespace st::itest {
namespace {

constexpr EpochMs kFive = 5LL * 60 * 1000;
constexpr EpochMs kT0 = 1'750'000'000'000 - 1'750'000'000'000 % (3600 * 1000);  // an hour, 2025-06-15

boost::json::array candles(pg::Connection& conn, const std::string& symbol, std::string_view interval,
                           std::optional<EpochMs> from, std::optional<EpochMs> to, std::int64_t limit) {
  auto json = api::candles_json(conn, symbol, interval, from, to, limit);
  EXPECT_TRUE(json) << json.error().message;
  return json ? boost::json::parse(*json).as_array() : boost::json::array{};
}

std::vector<std::int64_t> field(const boost::json::array& a, const char* name) {
  std::vector<std::int64_t> out;
  for (const auto& c : a) out.push_back(c.at(name).as_int64());
  return out;
}

class CandlesQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    // 30 five-minute candles from kT0 (two and a half hours); candle i has
    // volume i + 1, except candle 7 (volume 0) and candle 8 (no VWAP).
    for (int i = 0; i < 30; ++i) {
      const EpochMs ts = kT0 + i * kFive;
      const std::string volume = i == 7 ? "0" : std::to_string(i + 1);
      const pg::Param vwap = i == 8 ? std::nullopt : pg::Param(std::to_string(100 + i) + ".5");
      auto r = conn_.exec(
          "INSERT INTO price_candles (symbol, interval, bucket_start, open, high, low, close, volume, vwap, "
          "tick_count, is_final) VALUES ($1, '5m', to_timestamp($2::bigint / 1000.0), $3, $3::numeric + 2, "
          "$3::numeric - 1, $3::numeric + 1, $4::bigint, $5::numeric, 3, $6::boolean)",
          {symbol_, std::to_string(ts), std::to_string(100 + i), volume, vwap, i < 29 ? "true" : "false"});
      ASSERT_TRUE(r) << r.error().message;
    }
  }
  void TearDown() override { (void)conn_.exec("DELETE FROM price_candles WHERE symbol = $1", {symbol_}); }

  std::string symbol_ = "TC" + unique_tag();
  pg::Connection conn_ = db();
};

TEST_F(CandlesQuery, FiveMinuteCandlesAreTheNewestOfTheRangeOldestFirst) {
  const auto all = candles(conn_, symbol_, "5m", std::nullopt, std::nullopt, 10);
  ASSERT_EQ(all.size(), 10U);
  EXPECT_EQ(field(all, "ts").front(), kT0 + 20 * kFive);
  EXPECT_EQ(field(all, "ts").back(), kT0 + 29 * kFive);
  EXPECT_EQ(field(all, "volume"), (std::vector<std::int64_t>{21, 22, 23, 24, 25, 26, 27, 28, 29, 30}));
  EXPECT_TRUE(all.back().at("final") == false);
  EXPECT_EQ(all.front().at("open").to_number<double>(), 120.0);
  EXPECT_EQ(all.front().at("high").to_number<double>(), 122.0);
  EXPECT_EQ(all.front().at("vwap").to_number<double>(), 120.5);
  EXPECT_EQ(all.front().at("ticks").as_int64(), 3);

  // [from, to): from inclusive, to exclusive, still the newest `limit`.
  const auto range = candles(conn_, symbol_, "5m", kT0 + 2 * kFive, kT0 + 9 * kFive, 4);
  EXPECT_EQ(field(range, "volume"), (std::vector<std::int64_t>{6, 7, 0, 9}));
  // Volume 0: no VWAP; a stored null stays null.
  EXPECT_TRUE(range[2].at("vwap").is_null());
  EXPECT_TRUE(range[3].at("vwap").is_null());
  EXPECT_EQ(range[1].at("vwap").to_number<double>(), 106.5);

  EXPECT_TRUE(candles(conn_, symbol_, "5m", kT0 + 40 * kFive, std::nullopt, 10).empty());
}

TEST_F(CandlesQuery, HoursAreAggregatedFromTheFiveMinuteCandles) {
  const auto hours = candles(conn_, symbol_, "1h", std::nullopt, std::nullopt, 10);
  ASSERT_EQ(hours.size(), 3U);
  EXPECT_EQ(field(hours, "ts"), (std::vector<std::int64_t>{kT0, kT0 + 12 * kFive, kT0 + 24 * kFive}));
  // Volumes 1..12 without candle 7's 8; 13..24; 25..30.
  EXPECT_EQ(field(hours, "volume"), (std::vector<std::int64_t>{78 - 8, 222, 165}));
  EXPECT_EQ(field(hours, "ticks"), (std::vector<std::int64_t>{36, 36, 18}));
  EXPECT_EQ(hours[0].at("open").to_number<double>(), 100.0);
  EXPECT_EQ(hours[0].at("close").to_number<double>(), 112.0);
  EXPECT_TRUE(hours[1].at("final") == true);
  EXPECT_TRUE(hours[2].at("final") == false);
}

// The straightforward aggregation, written apart from the API's query:
// every 5-minute candle of the range grouped (first open, last close,
// extremes, sums, the volume-weighted VWAP, final when all are), every
// stored bucket of the range preferred to a built one, the newest `limit`.
constexpr std::string_view kReference = R"sql(
WITH five AS (
  SELECT CASE WHEN $5 = '1h' THEN date_trunc('hour', bucket_start)
              ELSE date_trunc('day', bucket_start AT TIME ZONE 'America/New_York') AT TIME ZONE 'America/New_York'
         END AS b, p.*
  FROM price_candles p
  WHERE symbol = $1 AND interval = '5m'
    AND bucket_start >= coalesce(to_timestamp($2::bigint / 1000.0), '-infinity')
    AND bucket_start < coalesce(to_timestamp($3::bigint / 1000.0), 'infinity')
), firsts AS (SELECT DISTINCT ON (b) b, open FROM five ORDER BY b, bucket_start),
lasts AS (SELECT DISTINCT ON (b) b, close FROM five ORDER BY b, bucket_start DESC),
sums AS (
  SELECT b, max(high) AS high, min(low) AS low, sum(volume) AS volume,
         sum(vwap * volume) / nullif(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap,
         sum(tick_count) AS ticks, bool_and(is_final) AS final
  FROM five GROUP BY b
), built AS (
  SELECT b, f.open, s.high, s.low, l.close, s.volume, s.vwap, s.ticks, s.final
  FROM sums s JOIN firsts f USING (b) JOIN lasts l USING (b)
), stored AS (
  SELECT bucket_start AS b, open, high, low, close, volume, vwap, tick_count AS ticks, is_final AS final
  FROM price_candles
  WHERE symbol = $1 AND interval = $5
    AND bucket_start >= coalesce(to_timestamp($2::bigint / 1000.0), '-infinity')
    AND bucket_start < coalesce(to_timestamp($3::bigint / 1000.0), 'infinity')
), every AS (
  SELECT * FROM stored UNION ALL SELECT * FROM built WHERE b NOT IN (SELECT b FROM stored)
)
SELECT (extract(epoch FROM b) * 1000)::bigint, open::float8, high::float8, low::float8, close::float8, volume,
       vwap::float8, ticks, final
FROM (SELECT * FROM every ORDER BY b DESC LIMIT $4::int) newest ORDER BY b)sql";

// ts, open, high, low, close, volume, vwap (NaN for null), ticks, final.
using Row = std::tuple<std::int64_t, double, double, double, double, std::int64_t, double, std::int64_t, bool>;

std::vector<Row> rows_of(const boost::json::array& a) {
  std::vector<Row> out;
  for (const auto& v : a) {
    const auto& c = v.as_object();
    const auto num = [&](const char* k) { return c.at(k).is_null() ? -1.0 : c.at(k).to_number<double>(); };
    out.emplace_back(c.at("ts").as_int64(), num("open"), num("high"), num("low"), num("close"),
                     c.at("volume").as_int64(), num("vwap"), c.at("ticks").as_int64(), c.at("final").as_bool());
  }
  return out;
}

/// The reference's rows through the same JSON parser as the API's answer
/// (numbers as PostgreSQL prints them), so equal text compares equal.
std::vector<Row> reference(pg::Connection& conn, const std::string& symbol, const std::string& interval,
                           std::optional<EpochMs> from, std::optional<EpochMs> to, std::int64_t limit) {
  auto r = conn.exec(kReference, {symbol, from ? pg::Param(std::to_string(*from)) : std::nullopt,
                                  to ? pg::Param(std::to_string(*to)) : std::nullopt, std::to_string(limit), interval});
  EXPECT_TRUE(r) << r.error().message;
  static constexpr const char* kKeys[] = {"ts", "open", "high", "low", "close", "volume", "vwap", "ticks"};
  std::string json = "[";
  for (int i = 0; r && i < r->size(); ++i) {
    json += i > 0 ? ",{" : "{";
    for (int col = 0; col < 8; ++col) {
      json += '"';
      json += kKeys[col];
      json += "\":";
      json += r->is_null(i, col) ? std::string_view("null") : r->get(i, col);
      json += ',';
    }
    json += r->get(i, 8) == "t" ? "\"final\":true}" : "\"final\":false}";
  }
  json += ']';
  return rows_of(boost::json::parse(json).as_array());
}

EpochMs utc(const std::string& iso, pg::Connection& conn) {
  return query_int(conn, "SELECT (extract(epoch FROM $1::timestamptz) * 1000)::bigint", {iso});
}

/// Six New York days around the end of daylight saving time (2 November
/// 2025 has 25 hours: 300 five-minute candles), with gaps, sparse and
/// partial buckets, and stored hours and days (some over 5-minute candles,
/// some over none).
class CandlesAgainstReference : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    // [first, last] every `step`, UTC.
    const std::vector<std::tuple<std::string, std::string, std::string>> spans{
        {"2025-10-30 04:00Z", "2025-10-31 03:55Z", "5 minutes"},   // a whole 24-hour day
        {"2025-10-31 04:00Z", "2025-11-01 03:55Z", "35 minutes"},  // sparse: gaps inside and between hours
        // 1 November: no 5-minute candles
        {"2025-11-02 04:00Z", "2025-11-03 04:55Z", "5 minutes"},   // the whole 25-hour day
        {"2025-11-03 14:30Z", "2025-11-03 20:55Z", "5 minutes"},   // a trading session only
        {"2025-11-04 14:30Z", "2025-11-04 14:35Z", "5 minutes"},   // a partial day, its last candle open
        {"2025-11-04 15:50Z", "2025-11-04 15:50Z", "5 minutes"},
    };
    for (const auto& [first, last, step] : spans) {
      // Values vary with the slot k; volume 0 (no VWAP) and stored null VWAPs included.
      auto r = conn_.exec(
          "INSERT INTO price_candles (symbol, interval, bucket_start, open, high, low, close, volume, vwap, "
          "tick_count, is_final) "
          "SELECT $1, '5m', ts, o, greatest(o, c) + k % 3, least(o, c) - 1 - k % 2, c, k % 9, "
          "       CASE WHEN k % 13 <> 0 THEN (o + c) / 2 END, 1 + k % 5, ts < '2025-11-04 15:50Z' "
          "FROM (SELECT ts, k, 100 + k * 7 % 40 AS o, 100 + k * 11 % 40 AS c "
          "      FROM (SELECT ts, (extract(epoch FROM ts) / 300)::bigint AS k "
          "            FROM generate_series($2::timestamptz, $3::timestamptz, $4::interval) ts) s) v",
          {symbol_, first, last, step});
      ASSERT_TRUE(r) << r.error().message;
    }
    for (const auto& [interval, start] : std::vector<std::pair<std::string, std::string>>{
             {"1h", "2025-10-30 12:00Z"}, {"1h", "2025-11-01 12:00Z"},
             {"1d", "2025-10-30 04:00Z"}, {"1d", "2025-11-01 04:00Z"}}) {
      auto r = conn_.exec(
          "INSERT INTO price_candles (symbol, interval, bucket_start, open, high, low, close, volume, vwap, "
          "tick_count, is_final) VALUES ($1, $2, $3::timestamptz, 50, 60, 40, 55, 7, 51.5, 9, true)",
          {symbol_, interval, start});
      ASSERT_TRUE(r) << r.error().message;
    }
  }
  void TearDown() override { (void)conn_.exec("DELETE FROM price_candles WHERE symbol = $1", {symbol_}); }

  std::string symbol_ = "TR" + unique_tag();
  pg::Connection conn_ = db();
};

TEST_F(CandlesAgainstReference, HoursAndDaysEqualTheWholeRangeAggregated) {
  using Range = std::pair<std::optional<EpochMs>, std::optional<EpochMs>>;
  const std::vector<Range> ranges{
      {std::nullopt, std::nullopt},
      {utc("2025-10-31 10:17Z", conn_), std::nullopt},                   // from inside an hour and a day
      {std::nullopt, utc("2025-11-03 00:02Z", conn_)},                   // to inside the 25-hour day
      {std::nullopt, utc("2025-11-03 05:00Z", conn_)},                   // the 25-hour day last and whole
      {utc("2025-10-30 04:00Z", conn_), utc("2025-11-03 16:33Z", conn_)},
      {utc("2025-11-01 00:00Z", conn_), utc("2025-11-02 04:00Z", conn_)},  // stored buckets only
  };
  std::size_t compared = 0;
  for (const std::string interval : {"1h", "1d"}) {
    for (const auto& [from, to] : ranges) {
      for (const std::int64_t limit : {1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 23, 24, 25, 26, 30, 100, 1000}) {
        const auto want = reference(conn_, symbol_, interval, from, to, limit);
        const auto got = rows_of(candles(conn_, symbol_, interval, from, to, limit));
        EXPECT_EQ(got, want) << interval << " from " << from.value_or(-1) << " to " << to.value_or(-1) << " limit "
                             << limit;
        compared += want.size();
      }
    }
  }
  // The reference is not trivially empty: 6 days (1 November stored only),
  // 24 + 24 (sparse) + 1 (stored) + 25 + 7 + 2 hours.
  EXPECT_EQ(reference(conn_, symbol_, "1d", std::nullopt, std::nullopt, 1000).size(), 6U);
  EXPECT_EQ(reference(conn_, symbol_, "1h", std::nullopt, std::nullopt, 1000).size(), 83U);
  EXPECT_GT(compared, 1000U);
}

}  // namespace
}  // namespace st::itest
