// The candles of GET /api/companies/:id/prices?interval=5m|1h (services/api
// candles_query.hpp) against the real price_candles: 5-minute candles are the
// newest `limit` stored rows of the range, oldest first, as stored (VWAP null
// where the volume is 0); hours are aggregated from them.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

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

}  // namespace
}  // namespace st::itest
