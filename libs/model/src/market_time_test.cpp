#include "stocktracker/model/market_time.hpp"

#include <gtest/gtest.h>

#include "stocktracker/base/time_format.hpp"

namespace st::model {

EpochMs at(const char* iso) { return *parse_time(iso); }

TEST(MarketTime, SwitchesOffsetAtTheUsDstChanges) {
  // 2025: DST from 9 March 07:00 UTC to 2 November 06:00 UTC.
  EXPECT_EQ(new_york_utc_offset_ms(at("2025-03-09T06:59:59Z")), -5 * 3600000);
  EXPECT_EQ(new_york_utc_offset_ms(at("2025-03-09T07:00:00Z")), -4 * 3600000);
  EXPECT_EQ(new_york_utc_offset_ms(at("2025-11-02T05:59:59Z")), -4 * 3600000);
  EXPECT_EQ(new_york_utc_offset_ms(at("2025-11-02T06:00:00Z")), -5 * 3600000);
  // 2024 (a leap year): 10 March and 3 November.
  EXPECT_EQ(new_york_utc_offset_ms(at("2024-03-10T07:00:00Z")), -4 * 3600000);
  EXPECT_EQ(new_york_utc_offset_ms(at("2024-11-03T06:00:00Z")), -5 * 3600000);
}

TEST(MarketTime, DayAndTimeOfDayAreNewYorks) {
  // 2025-11-25 03:00 UTC is still 24 November in New York (22:00 EST).
  EXPECT_EQ(new_york_day(at("2025-11-25T03:00:00Z")), days_from_civil(2025, 11, 24));
  EXPECT_EQ(new_york_day(at("2025-11-25T05:00:00Z")), days_from_civil(2025, 11, 25));
  EXPECT_EQ(new_york_ms_of_day(at("2025-07-14T13:30:00Z")), (9 * 60 + 30) * 60000);  // the open, EDT
  EXPECT_EQ(new_york_ms_of_day(at("2025-11-24T14:30:00Z")), (9 * 60 + 30) * 60000);  // the open, EST
}

}  // namespace st::model
