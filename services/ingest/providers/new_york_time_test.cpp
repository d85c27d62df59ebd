#include "new_york_time.hpp"

#include <gtest/gtest.h>

#include "stocktracker/base/time_format.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers {
namespace {

using test_data::utc;

TEST(NewYorkTime, WinterIsEstAndSummerIsEdt) {
  EXPECT_EQ(parse_new_york_time("2024-01-16 09:30:00"), utc("2024-01-16T14:30:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-07-01 16:00:00"), utc("2024-07-01T20:00:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-07-01"), utc("2024-07-01T04:00:00Z"));
}

TEST(NewYorkTime, AcrossTheMarchChange) {
  // Friday 2024-03-08 is EST, Monday 2024-03-11 EDT (the change is Sunday 02:00).
  EXPECT_EQ(parse_new_york_time("2024-03-08 19:55:00"), utc("2024-03-09T00:55:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-03-11 04:00:00"), utc("2024-03-11T08:00:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-03-10 01:59:00"), utc("2024-03-10T06:59:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-03-10 03:00:00"), utc("2024-03-10T07:00:00Z"));
}

TEST(NewYorkTime, TheSkippedHourMovesForwardByTheGap) {
  // 02:30 does not exist on 2024-03-10: read with EST, the instant the
  // clock shows as 03:30 EDT.
  EXPECT_EQ(parse_new_york_time("2024-03-10 02:30:00"), utc("2024-03-10T07:30:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-03-10 02:30:00"), parse_new_york_time("2024-03-10 03:30:00"));
}

TEST(NewYorkTime, TheRepeatedHourIsItsFirstOccurrence) {
  // 01:30 happens twice on 2024-11-03: 05:30Z (EDT) and 06:30Z (EST).
  EXPECT_EQ(parse_new_york_time("2024-11-03 01:30:00"), utc("2024-11-03T05:30:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-11-03 00:59:00"), utc("2024-11-03T04:59:00Z"));
  EXPECT_EQ(parse_new_york_time("2024-11-03 02:00:00"), utc("2024-11-03T07:00:00Z"));
}

TEST(NewYorkTime, TheCloseIs16hNewYorkTimeOnThatDay) {
  EXPECT_EQ(new_york_close_utc(days_from_civil(2024, 3, 8)), utc("2024-03-08T21:00:00Z"));
  EXPECT_EQ(new_york_close_utc(days_from_civil(2024, 3, 11)), utc("2024-03-11T20:00:00Z"));
}

TEST(NewYorkTime, RejectsWhatIsNotADateTime) {
  EXPECT_EQ(parse_new_york_time("1710532800"), std::nullopt);
  EXPECT_EQ(parse_new_york_time("2024-03-15T19:55:00"), std::nullopt);
  EXPECT_EQ(parse_new_york_time("2024-13-15 19:55:00"), std::nullopt);
  EXPECT_EQ(parse_new_york_time(""), std::nullopt);
}

}  // namespace
}  // namespace st::ingest::providers
