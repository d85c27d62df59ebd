#include "new_york_time.hpp"

#include <string>

#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/market_time.hpp"

namespace st::ingest::providers {
namespace {

constexpr EpochMs kHourMs = 3'600'000;
constexpr EpochMs kEdtMs = -4 * kHourMs;
constexpr EpochMs kEstMs = -5 * kHourMs;

}  // namespace

EpochMs new_york_local_to_utc(EpochMs local_ms) {
  // A wall-clock time is valid under an offset when that offset is the one
  // in force at the instant it gives.
  const EpochMs as_edt = local_ms - kEdtMs;
  const EpochMs as_est = local_ms - kEstMs;
  if (model::new_york_utc_offset_ms(as_edt) == kEdtMs) return as_edt;  // also the first of a repeated hour
  // Valid in EST, or in the skipped hour (valid under neither): EST, the
  // offset before the change.
  return as_est;
}

std::optional<EpochMs> parse_new_york_time(std::string_view text) {
  if ((text.size() != 10 && text.size() != 19) || text[4] != '-' || (text.size() == 19 && text[10] != ' ')) {
    return std::nullopt;
  }
  // parse_time reads "YYYY-MM-DD hh:mm:ssZ" as UTC: the wall clock, as if UTC.
  const auto local = parse_time(text.size() == 10 ? std::string(text) : std::string(text) + "Z");
  if (!local) return std::nullopt;
  return new_york_local_to_utc(*local);
}

EpochMs new_york_close_utc(std::int64_t day) { return new_york_local_to_utc(day * 86'400'000 + 16 * kHourMs); }

}  // namespace st::ingest::providers
