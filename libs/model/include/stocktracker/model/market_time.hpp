#pragma once
// New York market time (NYSE and Nasdaq), DST-aware, without the C
// library's time-zone database: US daylight saving time runs from the
// second Sunday of March 02:00 local to the first Sunday of November 02:00
// local (the rule since 2007).
#include <cstdint>

#include "stocktracker/base/clock.hpp"

namespace st::model {

/// New York's offset from UTC at `ts`: -4 h (EDT) or -5 h (EST), in ms.
EpochMs new_york_utc_offset_ms(EpochMs ts);
/// The New York calendar day of `ts` as days since 1970-01-01.
std::int64_t new_york_day(EpochMs ts);
/// Milliseconds since New York midnight at `ts`.
EpochMs new_york_ms_of_day(EpochMs ts);

}  // namespace st::model
