#pragma once
// UTC timestamp text without the C library's locale and time-zone state.
#include <optional>
#include <string>
#include <string_view>

#include "stocktracker/base/clock.hpp"

namespace st {

/// "2026-11-27T10:41:35.123Z"
std::string format_iso8601(EpochMs ms);
/// Appends "2026-11-27 10:41:35.123+00" (PostgreSQL timestamptz text).
void append_pg_timestamp(std::string& out, EpochMs ms);
/// Parses "2026-11-27", "2026-11-27T10:41:35Z", "...35.123Z", "...+02:00"
/// or a plain integer of epoch milliseconds.
std::optional<EpochMs> parse_time(std::string_view text);
/// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

}  // namespace st
