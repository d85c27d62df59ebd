#include "candles.hpp"

#include <gtest/gtest.h>

#include <map>

namespace st::process {
namespace {

constexpr EpochMs kT0 = 1764000000000;  // 2025-11-24T16:00:00Z, a window boundary
constexpr EpochMs kMin = 60'000;

model::PriceTick tick(const char* symbol, EpochMs ts, double price, std::int64_t volume = 100) {
  return {symbol, price, volume, ts, "test", "USD"};
}

std::vector<model::Candle> feed(CandleWindows& w, const std::vector<model::PriceTick>& ticks) {
  std::vector<model::Candle> out;
  for (const auto& t : ticks) w.add(t, out);
  return out;
}

}  // namespace

TEST(CandleWindows, FiresWhenTheWatermarkPassesTheEnd) {
  CandleWindows w({.out_of_orderness_ms = 2000, .allowed_lateness_ms = 0});
  auto out = feed(w, {tick("AAPL", kT0 + 1000, 10), tick("AAPL", kT0 + 2 * kMin, 12, 300),
                      tick("AAPL", kT0 + 4 * kMin, 9), tick("AAPL", kT0 + 5 * kMin + 1000, 11)});
  EXPECT_TRUE(out.empty());  // watermark = 5m+1s-2s < end
  w.add(tick("AAPL", kT0 + 5 * kMin + 2000, 11), out);
  ASSERT_EQ(out.size(), 1u);
  const auto& c = out[0];
  EXPECT_EQ(c.start_ts, kT0);
  EXPECT_EQ(c.end_ts, kT0 + 5 * kMin);
  EXPECT_EQ(c.open, 10);
  EXPECT_EQ(c.high, 12);
  EXPECT_EQ(c.low, 9);
  EXPECT_EQ(c.close, 9);
  EXPECT_EQ(c.volume, 500);
  EXPECT_DOUBLE_EQ(*c.vwap, (10 * 100 + 12 * 300 + 9 * 100) / 500.0);
  EXPECT_EQ(c.ticks, 3);
  EXPECT_TRUE(c.final);
}

TEST(CandleWindows, OutOfOrderTicksKeepEventTimeOpenAndClose) {
  CandleWindows w({.out_of_orderness_ms = 10'000, .allowed_lateness_ms = 0});
  std::vector<model::Candle> out;
  w.add(tick("X", kT0 + 3 * kMin, 20), out);
  w.add(tick("X", kT0 + 1 * kMin, 10), out);  // earlier event time, later arrival: the open
  w.add(tick("X", kT0 + 4 * kMin, 30), out);
  w.add(tick("X", kT0 + 2 * kMin, 40), out);  // not the close: 4m is later
  w.add(tick("X", kT0 + 6 * kMin, 1), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].open, 10);
  EXPECT_EQ(out[0].close, 30);
  EXPECT_EQ(out[0].high, 40);
}

TEST(CandleWindows, LateTicksWithinLatenessUpdateAndBeyondAreSideOutput) {
  CandleWindows w({.out_of_orderness_ms = 0, .allowed_lateness_ms = kMin});
  std::vector<model::Candle> out;
  w.add(tick("X", kT0 + kMin, 10), out);
  w.add(tick("X", kT0 + 5 * kMin, 11), out);  // watermark = end: fires, not final
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].final);
  EXPECT_EQ(out[0].ticks, 1);
  out.clear();
  EXPECT_EQ(w.add(tick("X", kT0 + 2 * kMin, 15), out), CandleWindows::Added::kAccepted);  // late, allowed
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ticks, 2);
  EXPECT_EQ(out[0].high, 15);
  EXPECT_FALSE(out[0].final);
  out.clear();
  w.add(tick("X", kT0 + 6 * kMin, 12), out);  // watermark = end + lateness: final, purged
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].final);
  EXPECT_EQ(out[0].ticks, 2);
  out.clear();
  EXPECT_EQ(w.add(tick("X", kT0 + 3 * kMin, 99), out), CandleWindows::Added::kLate);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(w.late_ticks(), 1u);
}

TEST(CandleWindows, EmitsSeveralSymbolsInWindowThenSymbolOrder) {
  CandleWindows w({.out_of_orderness_ms = 0, .allowed_lateness_ms = 0});
  std::vector<model::Candle> out;
  w.add(tick("B", kT0, 1), out);
  w.add(tick("A", kT0 + kMin, 1), out);
  w.add(tick("B", kT0 + 5 * kMin, 1), out);
  w.add(tick("A", kT0 + 10 * kMin, 1), out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].symbol, "A");
  EXPECT_EQ(out[0].start_ts, kT0);
  EXPECT_EQ(out[1].symbol, "B");
  EXPECT_EQ(out[1].start_ts, kT0);
  EXPECT_EQ(out[2].symbol, "B");
  EXPECT_EQ(out[2].start_ts, kT0 + 5 * kMin);
}

TEST(CandleWindows, MatchesAStraightforwardGroupByOverARandomWalk) {
  // The oracle: group the ticks by (symbol, window) and aggregate. With
  // non-decreasing event times nothing is late, so they must agree exactly.
  CandleWindows w({.out_of_orderness_ms = 1000, .allowed_lateness_ms = 0});
  std::map<std::pair<std::string, EpochMs>, model::Candle> oracle;
  std::vector<model::Candle> out;
  std::uint64_t x = 12345;
  EpochMs ts = kT0;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    ts += static_cast<EpochMs>((x >> 33) % 200);
    const std::string symbol = (x >> 20) % 3 == 0 ? "AAA" : ((x >> 20) % 3 == 1 ? "BBB" : "CCC");
    const double price = 100 + static_cast<double>((x >> 40) % 1000) / 100.0;
    const std::int64_t volume = static_cast<std::int64_t>((x >> 10) % 500);
    const auto t = tick(symbol.c_str(), ts, price, volume);
    w.add(t, out);
    const EpochMs start = CandleWindows::window_start(ts);
    auto [it, fresh] = oracle.try_emplace({symbol, start});
    model::Candle& c = it->second;
    if (fresh) {
      c = {symbol, start, start + model::kCandleWindowMs, price, price, price, price, 0, std::nullopt, 0, true};
    }
    c.high = std::max(c.high, price);
    c.low = std::min(c.low, price);
    c.close = price;
    c.volume += volume;
    c.ticks += 1;
  }
  ASSERT_FALSE(out.empty());
  for (const auto& c : out) {
    const auto& o = oracle.at({c.symbol, c.start_ts});
    EXPECT_EQ(c.open, o.open);
    EXPECT_EQ(c.high, o.high);
    EXPECT_EQ(c.low, o.low);
    EXPECT_EQ(c.close, o.close);
    EXPECT_EQ(c.volume, o.volume);
    EXPECT_EQ(c.ticks, o.ticks);
  }
  // Every window but the still-open last ones was emitted.
  EXPECT_GE(out.size() + 3, oracle.size());
}

TEST(CandleWindows, RestoredStateContinuesExactlyAsUninterrupted) {
  const WindowConfig cfg{.out_of_orderness_ms = 500, .allowed_lateness_ms = 30'000};
  std::vector<model::PriceTick> ticks;
  for (int i = 0; i < 3000; ++i) ticks.push_back(tick(i % 2 ? "P" : "Q", kT0 + i * 400 - (i % 7) * 300, 50 + i % 13));
  CandleWindows whole(cfg);
  const auto expected = feed(whole, ticks);

  CandleWindows first(cfg);
  std::vector<model::PriceTick> head(ticks.begin(), ticks.begin() + 1234);
  std::vector<model::PriceTick> tail(ticks.begin() + 1234, ticks.end());
  auto got = feed(first, head);
  CandleWindows second(cfg);
  for (const char* s : {"P", "Q"}) {
    if (const auto* list = first.windows_of(s)) second.restore(s, *list);
  }
  second.restore_progress(*first.max_event_ts(), first.late_ticks());
  const auto rest = feed(second, tail);
  got.insert(got.end(), rest.begin(), rest.end());
  EXPECT_EQ(got, expected);
}

}  // namespace st::process
