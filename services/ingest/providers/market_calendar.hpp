#pragma once
// The US equity market calendar (NYSE and Nasdaq share it), computed by
// rule rather than from a table, so it never runs out of years:
//  - regular session 09:30-16:00 New York time, Monday to Friday;
//    extended hours 04:00-09:30 (pre-market) and 16:00-20:00 (after hours);
//  - holidays: New Year's Day, Martin Luther King Jr. Day (3rd Monday of
//    January), Washington's Birthday (3rd Monday of February), Good Friday
//    (two days before Easter Sunday, by the Gregorian computus), Memorial
//    Day (last Monday of May), Juneteenth (June 19, from 2022), Independence
//    Day, Labor Day (1st Monday of September), Thanksgiving (4th Thursday of
//    November) and Christmas. A holiday on a Sunday is kept on the Monday
//    after, one on a Saturday on the Friday before, except New Year's Day:
//    NYSE rule 7.2 does not close on the last trading day of a year;
//  - early closes at 13:00 (after hours then until 17:00): the day after
//    Thanksgiving, Christmas Eve and July 3 when they are trading days
//    Monday to Thursday (a Friday July 3 or December 24 is the observed
//    holiday itself, or the Friday before a Saturday holiday).
// Closures for unforeseen events (a national day of mourning, a storm) are
// not rules and are not known here: on such a day the providers answer with
// the last close, which the tick deduplication does not republish.
// Times come from libs/model's New York DST rule. Pure.
#include <array>
#include <cstdint>
#include <string_view>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::ingest::providers {

/// The schedule of one New York civil day.
struct MarketDay {
  bool open = false;                  // a trading day
  std::string_view holiday{};         // its name when a weekday holiday
  bool early_close = false;           // closes at 13:00
  EpochMs open_ms_of_day = 0;         // 09:30 local, when open
  EpochMs close_ms_of_day = 0;        // 16:00 or 13:00 local, when open
};

/// `day`: days since 1970-01-01 of the New York calendar date.
MarketDay market_day(std::int64_t day);

enum class MarketPhase { kClosed, kPreMarket, kRegular, kAfterHours };

/// The phase of the market at the instant `ts`.
MarketPhase market_phase(EpochMs ts);

/// Whether prices move at `ts`: the regular session, or also the extended
/// hours when `extended_hours`.
bool market_active(EpochMs ts, bool extended_hours);

/// The first instant at or after `ts` when market_active holds.
EpochMs next_active_start(EpochMs ts, bool extended_hours);

/// How often to poll when the market is shut.
struct MarketHours {
  bool extended_hours = false;
  EpochMs closed_interval_ms = 3'600'000;
};

/// When a symbol refreshed every `interval_ms` is next polled after a
/// success at `now`: one interval later while the market is active;
/// otherwise at the longer of the interval and the closed interval, but no
/// later than the next opening, so the first prices of a session are not
/// missed.
EpochMs next_poll_at(EpochMs now, EpochMs interval_ms, const MarketHours& hours);

}  // namespace st::ingest::providers

template <>
struct st::model::EnumNames<st::ingest::providers::MarketPhase> {
  static constexpr std::array<std::string_view, 4> kNames{"closed", "pre_market", "regular", "after_hours"};
};
