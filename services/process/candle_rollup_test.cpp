// Hourly and daily candles derived from the 5-minute ones, and
// processing-time idleness of partitions (on an injected clock).
#include "candle_rollup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "candles.hpp"
#include "processor.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::process {
namespace {

constexpr EpochMs kT0 = 1764000000000;  // 2025-11-24T16:00:00Z: an hour boundary, 11:00 in New York
constexpr EpochMs kMin = 60'000;
constexpr EpochMs kHour = 60 * kMin;

model::PriceTick tick(const char* symbol, EpochMs ts, double price, std::int64_t volume = 100) {
  return {symbol, price, volume, ts, "test", "USD"};
}

/// Ticks through 5-minute windows into an hourly and a daily rollup, like
/// the processor does; returns (5m, 1h, 1d) emissions.
struct Pipeline {
  CandleWindows windows;
  CandleRollup hours, days;
  std::vector<model::Candle> five, hourly, daily;
  explicit Pipeline(WindowConfig c)
      : windows(c), hours(RollupInterval::kHour, c.allowed_lateness_ms), days(RollupInterval::kDay, c.allowed_lateness_ms) {}
  void add(const model::PriceTick& t) {
    std::vector<model::Candle> out;
    windows.add(t, out);
    for (const auto& c : out) {
      hours.on_candle(c);
      days.on_candle(c);
    }
    five.insert(five.end(), out.begin(), out.end());
    hours.advance(windows.watermark(), hourly);
    days.advance(windows.watermark(), daily);
  }
};

std::vector<model::Candle> finals(const std::vector<model::Candle>& all) {
  std::vector<model::Candle> f;
  for (const auto& c : all) {
    if (c.final) f.push_back(c);
  }
  return f;
}

}  // namespace

TEST(CandleRollup, BucketsAreUtcHoursAndNewYorkDaysAcrossDst) {
  EXPECT_EQ(rollup_start(RollupInterval::kHour, kT0 + 59 * kMin), kT0);
  EXPECT_EQ(rollup_end(RollupInterval::kHour, kT0), kT0 + kHour);
  // 2025-11-24 is EST: the New York day starts at 05:00Z.
  const EpochMs ny_midnight = kT0 - 11 * kHour;
  EXPECT_EQ(rollup_start(RollupInterval::kDay, kT0), ny_midnight);
  EXPECT_EQ(rollup_end(RollupInterval::kDay, ny_midnight), ny_midnight + 24 * kHour);
  // 2026-03-08 (spring forward) lasts 23 hours, 2026-11-01 (fall back) 25.
  const EpochMs mar8 = 1772946000000;  // 2026-03-08T05:00:00Z = New York midnight (EST)
  EXPECT_EQ(rollup_start(RollupInterval::kDay, mar8 + 20 * kHour), mar8);
  EXPECT_EQ(rollup_end(RollupInterval::kDay, mar8), mar8 + 23 * kHour);
  const EpochMs nov1 = 1793505600000;  // 2026-11-01T04:00:00Z = New York midnight (EDT)
  EXPECT_EQ(rollup_start(RollupInterval::kDay, nov1 + 24 * kHour + 30 * kMin), nov1);
  EXPECT_EQ(rollup_end(RollupInterval::kDay, nov1), nov1 + 25 * kHour);
}

TEST(CandleRollup, HourAndDayCodecsCheckTheBucket) {
  model::Candle c{"AAPL", kT0, kT0 + kHour, 10, 11, 9, 10.5, 100, 10.2, 3, true};
  EXPECT_TRUE(model::decode_hour_candle(model::encode(c)));
  c.start_ts += 5 * kMin;
  c.end_ts += 5 * kMin;
  EXPECT_EQ(model::decode_hour_candle(model::encode(c)).error().message,
            "schema: start_ts: must be a multiple of 3600000");
  const EpochMs mar8 = 1772946000000;  // New York midnight before the 23-hour day
  c.start_ts = mar8;
  c.end_ts = mar8 + 23 * kHour;
  EXPECT_TRUE(model::decode_day_candle(model::encode(c)));
  c.end_ts = mar8 + 24 * kHour;
  EXPECT_EQ(model::decode_day_candle(model::encode(c)).error().message,
            "schema: end_ts: must be the New York midnight after start_ts");
  c.start_ts = kT0;  // 11:00 in New York
  EXPECT_EQ(model::decode_day_candle(model::encode(c)).error().message,
            "schema: start_ts: must be a New York midnight");
}

TEST(CandleRollup, FinalHoursAndDaysEqualADirectAggregationOfTheTicks) {
  Pipeline p({.out_of_orderness_ms = 2000, .allowed_lateness_ms = 60'000});
  struct Agg {
    double open = 0, high = 0, low = 0, close = 0, pv = 0;
    std::int64_t volume = 0, ticks = 0;
  };
  std::map<EpochMs, Agg> hours;
  // 30 hours of ticks every 37 s, prices wandering; slightly out of order.
  const EpochMs day_start = rollup_start(RollupInterval::kDay, kT0);
  for (int i = 0; i < 30 * 3600 / 37; ++i) {
    const EpochMs ts = kT0 + i * 37'000 - (i % 3 == 1 ? 1500 : 0);
    const double price = 100 + std::sin(i * 0.01) * 10 + (i % 7) * 0.1;
    const std::int64_t volume = 10 + i % 13;
    p.add(tick("AAPL", ts, price, volume));
    auto [it, fresh] = hours.try_emplace(rollup_start(RollupInterval::kHour, ts));
    Agg& a = it->second;
    if (fresh) a.open = a.high = a.low = price;
    a.high = std::max(a.high, price);
    a.low = std::min(a.low, price);
    a.close = price;
    a.volume += volume;
    a.pv += price * static_cast<double>(volume);
    ++a.ticks;
  }
  const auto hourly = finals(p.hourly);
  ASSERT_GE(hourly.size(), 28u);
  for (const auto& c : hourly) {
    ASSERT_TRUE(hours.contains(c.start_ts));
    const Agg& a = hours.at(c.start_ts);
    EXPECT_EQ(c.end_ts, c.start_ts + kHour);
    EXPECT_EQ(c.high, a.high);
    EXPECT_EQ(c.low, a.low);
    EXPECT_EQ(c.volume, a.volume);
    EXPECT_EQ(c.ticks, a.ticks);
    EXPECT_NEAR(*c.vwap, a.pv / static_cast<double>(a.volume), 1e-9);
  }
  // Each hour fires once before it is final (allowed lateness > 0), and is
  // final once.
  std::map<EpochMs, int> emitted_final;
  for (const auto& c : hourly) ++emitted_final[c.start_ts];
  for (const auto& [start, n] : emitted_final) EXPECT_EQ(n, 1) << start;
  // The first New York day closed: it holds every tick from kT0 to its end.
  const auto daily = finals(p.daily);
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(daily[0].start_ts, day_start);
  EXPECT_EQ(daily[0].end_ts, day_start + 24 * kHour);
  std::int64_t ticks_that_day = 0;
  for (const auto& [start, a] : hours) {
    if (start < day_start + 24 * kHour) ticks_that_day += a.ticks;
  }
  EXPECT_EQ(daily[0].ticks, ticks_that_day);
  auto decoded = model::decode_day_candle(model::encode(daily[0]));
  EXPECT_TRUE(decoded) << decoded.error().message;
  auto hour = model::decode_hour_candle(model::encode(hourly[0]));
  EXPECT_TRUE(hour) << hour.error().message;
  EXPECT_FALSE(model::decode_hour_candle(model::encode(daily[0])));
}

TEST(CandleRollup, ALateTickUpdatesTheFiredHourAndTheFinalHourIncludesIt) {
  Pipeline p({.out_of_orderness_ms = 0, .allowed_lateness_ms = 2 * kMin});
  p.add(tick("AAPL", kT0 + 10 * kMin, 10, 100));
  p.add(tick("AAPL", kT0 + 59 * kMin, 11, 100));
  p.add(tick("AAPL", kT0 + kHour + 30'000, 12, 100));  // the hour fires
  ASSERT_EQ(p.hourly.size(), 1u);
  EXPECT_FALSE(p.hourly[0].final);
  EXPECT_EQ(p.hourly[0].ticks, 2);
  p.add(tick("AAPL", kT0 + 58 * kMin, 20, 50));  // late, within the lateness
  ASSERT_EQ(p.hourly.size(), 2u);
  EXPECT_FALSE(p.hourly[1].final);
  EXPECT_EQ(p.hourly[1].ticks, 3);
  EXPECT_EQ(p.hourly[1].high, 20);
  EXPECT_EQ(p.hourly[1].close, 11);  // the latest 5-minute window's close
  p.add(tick("AAPL", kT0 + kHour + 3 * kMin, 12, 100));  // past end + lateness
  ASSERT_EQ(p.hourly.size(), 3u);
  EXPECT_TRUE(p.hourly[2].final);
  EXPECT_EQ(p.hourly[2].ticks, 3);
  EXPECT_EQ(p.hourly[2].volume, 250);
  EXPECT_EQ(p.hourly[2].open, 10);
  EXPECT_DOUBLE_EQ(*p.hourly[2].vwap, (10 * 100 + 11 * 100 + 20 * 50) / 250.0);
  EXPECT_EQ(p.hours.open_buckets(), 0u);  // the next hour has no 5-minute candle yet
}

TEST(CandleRollup, WithoutAllowedLatenessEachBucketIsEmittedOnceFinal) {
  Pipeline p({.out_of_orderness_ms = 0, .allowed_lateness_ms = 0});
  for (int i = 0; i < 3 * 60; ++i) p.add(tick("MSFT", kT0 + i * kMin, 50 + i % 5));
  ASSERT_EQ(p.hourly.size(), 2u);
  for (const auto& c : p.hourly) {
    EXPECT_TRUE(c.final);
    EXPECT_EQ(c.ticks, 60);
  }
}

TEST(Processor, RestoringMidHourContinuesTheHourlyCandlesExactly) {
  const WindowConfig cfg{.out_of_orderness_ms = 1000, .allowed_lateness_ms = 10'000};
  std::vector<std::string> input;
  for (int i = 0; i < 4000; ++i) {
    input.push_back(model::encode(
        model::PriceTick{i % 2 == 0 ? "AAPL" : "MSFT", 100.0 + (i % 40) * 0.25, 10, kT0 + i * 9'000, "test", "USD"}));
  }
  auto run = [&](Processor& p, std::size_t from, std::size_t to, std::vector<OutRecord>& out) {
    for (std::size_t i = from; i < to; ++i) p.on_tick_record(0, static_cast<std::int64_t>(i), "k", input[i], out);
  };
  Processor whole(cfg);
  whole.assign(0);
  std::vector<OutRecord> expected;
  run(whole, 0, input.size(), expected);
  EXPECT_GT(whole.stats().rollup_candles, 10u);

  Processor first(cfg);
  first.assign(0);
  std::vector<OutRecord> got, log;
  run(first, 0, 1234, got);  // 3 h 05 min in: an hour and a day are open
  first.flush_changelog("changelog", log);
  std::map<std::string, std::string> latest;
  for (const auto& r : log) latest[r.key] = r.value;
  Processor second(cfg);
  second.assign(0);
  for (const auto& [k, v] : latest) ASSERT_TRUE(second.restore(0, k, v));
  run(second, 1234, input.size(), got);
  auto non_changelog = [](const std::vector<OutRecord>& v) {
    std::vector<std::pair<std::string, std::string>> o;
    for (const auto& r : v) {
      if (r.topic != "changelog") o.emplace_back(r.topic, r.value);
    }
    return o;
  };
  EXPECT_EQ(non_changelog(got), non_changelog(expected));
}

namespace {

std::string encoded(const char* symbol, EpochMs ts, double price) {
  return model::encode(model::PriceTick{symbol, price, 10, ts, "test", "USD"});
}

std::size_t count_topic(const std::vector<OutRecord>& out, std::string_view topic) {
  return static_cast<std::size_t>(
      std::count_if(out.begin(), out.end(), [&](const OutRecord& r) { return r.topic == topic; }));
}

}  // namespace

TEST(Processor, AnIdlePartitionFollowsTheActiveOnesAfterTheIdleTimeout) {
  ManualClock clock(1'000'000);
  Processor p({.out_of_orderness_ms = 0, .allowed_lateness_ms = 0, .idle_timeout_ms = 30'000});
  p.assign(0);
  p.assign(1);
  std::vector<OutRecord> out;
  // Partition 1 gets one tick, then nothing more; partition 0 keeps going.
  p.on_tick_record(1, 0, "k", encoded("IDLE", kT0 + kMin, 10), out);
  p.advance_idle(clock.now_ms(), out);
  std::int64_t offset = 0;
  auto active_tick = [&](EpochMs ts) {
    p.on_tick_record(0, offset++, "k", encoded("BUSY", ts, 20), out);
    p.advance_idle(clock.now_ms(), out);
  };
  for (int s = 1; s <= 29; ++s) {
    clock.advance(1000);
    active_tick(kT0 + 10 * kMin + s * 1000);
  }
  // 29 s without a record on partition 1: not idle yet, its window stays open.
  EXPECT_EQ(count_topic(out, "price-candles-5m"), 0u);
  EXPECT_EQ(p.stats().idle_advances, 0u);
  clock.advance(1000);
  active_tick(kT0 + 10 * kMin + 30'000);
  // 30 s: idle, its watermark follows partition 0's and IDLE's window closes.
  ASSERT_EQ(count_topic(out, "price-candles-5m"), 1u);
  EXPECT_EQ(p.stats().idle_advances, 1u);
  bool idle_closed = false;
  for (const auto& r : out) {
    if (r.topic == "price-candles-5m" && r.key == "IDLE") {
      auto c = model::decode_candle(r.value);
      ASSERT_TRUE(c);
      EXPECT_TRUE(c->final);
      EXPECT_EQ(c->start_ts, kT0);
      EXPECT_EQ(r.partition, 1);
      idle_closed = true;
    }
  }
  EXPECT_TRUE(idle_closed);
  // The raised watermark is in the changelog: restored, a tick behind it is late.
  std::vector<OutRecord> log;
  p.flush_changelog("changelog", log);
  Processor again({.out_of_orderness_ms = 0, .allowed_lateness_ms = 0, .idle_timeout_ms = 30'000});
  again.assign(1);
  for (const auto& r : log) {
    if (r.partition == 1) {
      ASSERT_TRUE(again.restore(1, r.key, r.value));
    }
  }
  std::vector<OutRecord> late;
  again.on_tick_record(1, 1, "k", encoded("IDLE", kT0 + 2 * kMin, 10), late);
  EXPECT_EQ(count_topic(late, "stock-prices.late"), 1u);
  // A record makes it active again: it keeps its own watermark from there.
  p.on_tick_record(1, 1, "k", encoded("IDLE", kT0 + 11 * kMin, 10), out);
  p.advance_idle(clock.now_ms(), out);
  EXPECT_EQ(p.stats().idle_advances, 1u);
}

TEST(Processor, NothingMovesWhenEveryPartitionIsIdleOrIdlenessIsOff) {
  ManualClock clock(0);
  Processor p({.out_of_orderness_ms = 0, .allowed_lateness_ms = 0, .idle_timeout_ms = 1000});
  p.assign(0);
  p.assign(1);
  std::vector<OutRecord> out;
  p.on_tick_record(0, 0, "k", encoded("A", kT0 + 20 * kMin, 10), out);
  p.on_tick_record(1, 0, "k", encoded("B", kT0, 10), out);
  p.advance_idle(clock.now_ms(), out);
  clock.advance(60'000);
  p.advance_idle(clock.now_ms(), out);  // both idle: no active watermark to follow
  EXPECT_EQ(p.stats().idle_advances, 0u);

  Processor off({.out_of_orderness_ms = 0, .allowed_lateness_ms = 0});
  off.assign(0);
  off.assign(1);
  off.on_tick_record(1, 0, "k", encoded("B", kT0, 10), out);
  off.advance_idle(0, out);
  for (int i = 1; i < 100; ++i) {
    off.on_tick_record(0, i, "k", encoded("A", kT0 + i * kMin, 10), out);
    off.advance_idle(i * 60'000, out);
  }
  EXPECT_EQ(off.stats().idle_advances, 0u);
}

}  // namespace st::process
