#include "stocktracker/model/market_time.hpp"

#include "stocktracker/base/time_format.hpp"

namespace st::model {
namespace {

constexpr EpochMs kDayMs = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

EpochMs new_york_utc_offset_ms(EpochMs ts) {
  const std::int64_t day = floor_div(ts, kDayMs);
  std::int64_t y = 1970 + day / 366;
  while (days_from_civil(y + 1, 1, 1) <= day) ++y;
  while (days_from_civil(y, 1, 1) > day) --y;
  auto nth_sunday = [&](unsigned month, int n) {
    const std::int64_t first = days_from_civil(y, month, 1);
    const std::int64_t weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    return first + (7 - weekday) % 7 + 7 * (n - 1);
  };
  const EpochMs dst_start = nth_sunday(3, 2) * kDayMs + 7 * 3'600'000;  // 02:00 EST = 07:00 UTC
  const EpochMs dst_end = nth_sunday(11, 1) * kDayMs + 6 * 3'600'000;   // 02:00 EDT = 06:00 UTC
  return (ts >= dst_start && ts < dst_end) ? -4 * 3'600'000 : -5 * 3'600'000;
}

std::int64_t new_york_day(EpochMs ts) { return floor_div(ts + new_york_utc_offset_ms(ts), kDayMs); }

EpochMs new_york_ms_of_day(EpochMs ts) {
  const EpochMs local = ts + new_york_utc_offset_ms(ts);
  return local - floor_div(local, kDayMs) * kDayMs;
}

}  // namespace st::model
