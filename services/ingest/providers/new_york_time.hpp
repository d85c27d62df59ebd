#pragma once
// New York wall-clock time (Alpha Vantage's "US/Eastern" timestamps) to UTC.
// Two hours a year need a rule, since a wall-clock time there names no
// instant or two:
//  - the hour skipped in March (02:00-02:59 does not exist) is read with the
//    offset in force before the change (EST), i.e. moved forward by the gap:
//    02:30 is 07:30 UTC, the instant the clock shows as 03:30 EDT;
//  - the hour repeated in November (01:00-01:59 happens twice) is read as
//    its first occurrence (EDT), the earlier instant.
// Both are the usual conventions (Python's fold=0, java.time's
// ZonedDateTime.of) and never matter for US equities, which trade from
// 04:00 to 20:00 New York time.
#include <cstdint>
#include <optional>
#include <string_view>

#include "stocktracker/base/clock.hpp"

namespace st::ingest::providers {

/// `local_ms`: a New York wall-clock time written as if it were UTC epoch ms.
EpochMs new_york_local_to_utc(EpochMs local_ms);

/// "2024-03-15 19:55:00" (or "2024-03-15", midnight) read as New York time.
std::optional<EpochMs> parse_new_york_time(std::string_view text);

/// The US regular session's close, 16:00 New York time, on the civil day
/// `day` (days since 1970-01-01), in UTC ms: the event time of a daily bar.
EpochMs new_york_close_utc(std::int64_t day);

}  // namespace st::ingest::providers
