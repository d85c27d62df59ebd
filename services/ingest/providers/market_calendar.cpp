#include "market_calendar.hpp"

#include <algorithm>

#include "new_york_time.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/market_time.hpp"

namespace st::ingest::providers {
namespace {

constexpr EpochMs kDayMs = 86'400'000;
constexpr EpochMs kHourMs = 3'600'000;
constexpr EpochMs kPreMarketStart = 4 * kHourMs;
constexpr EpochMs kRegularOpen = 9 * kHourMs + 30 * 60'000;
constexpr EpochMs kRegularClose = 16 * kHourMs;
constexpr EpochMs kEarlyClose = 13 * kHourMs;
constexpr EpochMs kAfterHoursLength = 4 * kHourMs;  // to 20:00, or 17:00 after an early close

enum Weekday { kSunday, kMonday, kTuesday, kWednesday, kThursday, kFriday, kSaturday };

int weekday(std::int64_t day) { return static_cast<int>(((day + 4) % 7 + 7) % 7); }  // 1970-01-01: Thursday

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// The inverse of days_from_civil (H. Hinnant's algorithm).
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// The n-th `wd` of a month (n = 1..4), or the last one (n = -1).
std::int64_t nth_weekday(std::int64_t year, unsigned month, int wd, int n) {
  if (n < 0) {
    const std::int64_t last = days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) - 1;
    return last - (weekday(last) - wd + 7) % 7;
  }
  const std::int64_t first = days_from_civil(year, month, 1);
  return first + (wd - weekday(first) + 7) % 7 + 7 * (n - 1);
}

/// Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
std::int64_t easter_sunday(std::int64_t y) {
  const std::int64_t a = y % 19;
  const std::int64_t b = y / 100;
  const std::int64_t c = y % 100;
  const std::int64_t d = b / 4;
  const std::int64_t e = b % 4;
  const std::int64_t f = (b + 8) / 25;
  const std::int64_t g = (b - f + 1) / 3;
  const std::int64_t h = (19 * a + b - d - g + 15) % 30;
  const std::int64_t i = c / 4;
  const std::int64_t k = c % 4;
  const std::int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
  const std::int64_t m = (a + 11 * h + 22 * l) / 451;
  const auto month = static_cast<unsigned>((h + l - 7 * m + 114) / 31);
  const auto day = static_cast<unsigned>((h + l - 7 * m + 114) % 31 + 1);
  return days_from_civil(y, month, day);
}

/// A fixed-date holiday's observed day: Sunday -> Monday, Saturday -> Friday.
std::int64_t observed(std::int64_t date) {
  switch (weekday(date)) {
    case kSunday:
      return date + 1;
    case kSaturday:
      return date - 1;
    default:
      return date;
  }
}

/// The name of the holiday observed on `day` (a weekday), or empty.
std::string_view holiday_on(std::int64_t day) {
  const Civil c = civil_from_days(day);
  const std::int64_t y = c.year;
  // New Year's Day: on a Sunday, kept on Monday; on a Saturday, not at all.
  // (Next year's January 1 can fall on this year's December 31 otherwise.)
  const std::int64_t new_year = days_from_civil(y, 1, 1);
  if (day == new_year || (weekday(new_year) == kSunday && day == new_year + 1)) return "New Year's Day";
  if (day == nth_weekday(y, 1, kMonday, 3)) return "Martin Luther King Jr. Day";
  if (day == nth_weekday(y, 2, kMonday, 3)) return "Washington's Birthday";
  if (day == easter_sunday(y) - 2) return "Good Friday";
  if (day == nth_weekday(y, 5, kMonday, -1)) return "Memorial Day";
  if (y >= 2022 && day == observed(days_from_civil(y, 6, 19))) return "Juneteenth";
  if (day == observed(days_from_civil(y, 7, 4))) return "Independence Day";
  if (day == nth_weekday(y, 9, kMonday, 1)) return "Labor Day";
  if (day == nth_weekday(y, 11, kThursday, 4)) return "Thanksgiving Day";
  if (day == observed(days_from_civil(y, 12, 25))) return "Christmas Day";
  return {};
}

bool early_close_on(std::int64_t day) {
  const Civil c = civil_from_days(day);
  const int wd = weekday(day);
  if (wd < kMonday || wd > kThursday) {
    // Only the day after Thanksgiving is a Friday early close.
    return day == nth_weekday(c.year, 11, kThursday, 4) + 1;
  }
  return (c.month == 7 && c.day == 3) || (c.month == 12 && c.day == 24);
}

/// The active window [start, end) of `day` in local ms of the day; empty
/// when the market is shut all day.
std::pair<EpochMs, EpochMs> active_window(const MarketDay& d, bool extended_hours) {
  if (!d.open) return {0, 0};
  if (!extended_hours) return {d.open_ms_of_day, d.close_ms_of_day};
  return {kPreMarketStart, d.close_ms_of_day + kAfterHoursLength};
}

}  // namespace

MarketDay market_day(std::int64_t day) {
  MarketDay d;
  const int wd = weekday(day);
  if (wd == kSaturday || wd == kSunday) return d;
  d.holiday = holiday_on(day);
  if (!d.holiday.empty()) return d;
  d.open = true;
  d.early_close = early_close_on(day);
  d.open_ms_of_day = kRegularOpen;
  d.close_ms_of_day = d.early_close ? kEarlyClose : kRegularClose;
  return d;
}

MarketPhase market_phase(EpochMs ts) {
  const MarketDay d = market_day(model::new_york_day(ts));
  const EpochMs ms = model::new_york_ms_of_day(ts);
  if (!d.open || ms < kPreMarketStart) return MarketPhase::kClosed;
  if (ms < d.open_ms_of_day) return MarketPhase::kPreMarket;
  if (ms < d.close_ms_of_day) return MarketPhase::kRegular;
  if (ms < d.close_ms_of_day + kAfterHoursLength) return MarketPhase::kAfterHours;
  return MarketPhase::kClosed;
}

bool market_active(EpochMs ts, bool extended_hours) {
  const MarketPhase phase = market_phase(ts);
  return phase == MarketPhase::kRegular || (extended_hours && phase != MarketPhase::kClosed);
}

EpochMs next_active_start(EpochMs ts, bool extended_hours) {
  if (market_active(ts, extended_hours)) return ts;
  const std::int64_t today = model::new_york_day(ts);
  // The longest closure by rule is four days (a Friday holiday, a weekend
  // and a Monday holiday cannot meet); two weeks is a safe bound.
  for (std::int64_t day = today; day < today + 14; ++day) {
    const auto [start, end] = active_window(market_day(day), extended_hours);
    if (start == end) continue;
    const EpochMs at = new_york_local_to_utc(day * kDayMs + start);
    if (at > ts) return at;
  }
  return ts + 14 * kDayMs;  // unreachable by the rules above
}

EpochMs next_poll_at(EpochMs now, EpochMs interval_ms, const MarketHours& hours) {
  if (market_active(now, hours.extended_hours)) return now + interval_ms;
  const EpochMs rarely = now + std::max(interval_ms, hours.closed_interval_ms);
  return std::min(rarely, std::max(now + 1, next_active_start(now, hours.extended_hours)));
}

}  // namespace st::ingest::providers
