#include "market_calendar.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stocktracker/base/time_format.hpp"
#include "test_fixtures.hpp"

namespace st::ingest::providers {
namespace {

using test_data::utc;

std::int64_t date(std::int64_t y, unsigned m, unsigned d) { return days_from_civil(y, m, d); }

std::string iso_day(std::int64_t day) { return format_iso8601(day * 86'400'000).substr(0, 10); }

/// Every weekday of `year` that is a holiday, as "YYYY-MM-DD".
std::vector<std::string> holidays(std::int64_t year) {
  std::vector<std::string> out;
  for (std::int64_t d = date(year, 1, 1); d < date(year + 1, 1, 1); ++d) {
    if (!market_day(d).holiday.empty()) out.push_back(iso_day(d));
  }
  return out;
}

std::vector<std::string> early_closes(std::int64_t year) {
  std::vector<std::string> out;
  for (std::int64_t d = date(year, 1, 1); d < date(year + 1, 1, 1); ++d) {
    if (market_day(d).early_close) out.push_back(iso_day(d));
  }
  return out;
}

// The lists are NYSE's published holiday calendars.
TEST(MarketCalendar, HolidaysOf2024) {
  EXPECT_EQ(holidays(2024), (std::vector<std::string>{"2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29",
                                                      "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02",
                                                      "2024-11-28", "2024-12-25"}));
  EXPECT_EQ(early_closes(2024), (std::vector<std::string>{"2024-07-03", "2024-11-29", "2024-12-24"}));
  EXPECT_EQ(market_day(date(2024, 3, 29)).holiday, "Good Friday");
}

TEST(MarketCalendar, HolidaysOf2026AJuly4OnASaturdayIsKeptOnFriday) {
  EXPECT_EQ(holidays(2026), (std::vector<std::string>{"2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03",
                                                      "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07",
                                                      "2026-11-26", "2026-12-25"}));
  // July 3 is the holiday itself: no early close that year.
  EXPECT_EQ(early_closes(2026), (std::vector<std::string>{"2026-11-27", "2026-12-24"}));
}

TEST(MarketCalendar, HolidaysOf2027SaturdayHolidaysMoveToFridaySundayOnesToMonday) {
  EXPECT_EQ(holidays(2027), (std::vector<std::string>{"2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26",
                                                      "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06",
                                                      "2027-11-25", "2027-12-24"}));
  EXPECT_EQ(early_closes(2027), (std::vector<std::string>{"2027-11-26"}));
}

TEST(MarketCalendar, NewYearsDayOnASaturdayIsNotKeptOnTheLastDayOfTheYear) {
  // 2022-01-01 was a Saturday: NYSE traded on 2021-12-31.
  EXPECT_TRUE(market_day(date(2021, 12, 31)).open);
  EXPECT_EQ(holidays(2022), (std::vector<std::string>{"2022-01-17", "2022-02-21", "2022-04-15", "2022-05-30",
                                                      "2022-06-20", "2022-07-04", "2022-09-05", "2022-11-24",
                                                      "2022-12-26"}));
  // 2023-01-01 was a Sunday: closed on Monday the 2nd.
  EXPECT_EQ(market_day(date(2023, 1, 2)).holiday, "New Year's Day");
}

TEST(MarketCalendar, JuneteenthOnlyFrom2022AndChristmasEveOnAThursday) {
  EXPECT_TRUE(market_day(date(2021, 6, 18)).open);
  EXPECT_TRUE(market_day(date(2020, 12, 24)).early_close);  // Christmas 2020 was a Friday
  EXPECT_EQ(market_day(date(2020, 12, 24)).close_ms_of_day, 13 * 3'600'000);
}

TEST(MarketCalendar, GoodFridayFollowsEasterAcrossItsRange) {
  // Easter Sundays: 2008-03-23 (early), 2019-04-21, 2038-04-25 (the latest possible date).
  EXPECT_EQ(market_day(date(2008, 3, 21)).holiday, "Good Friday");
  EXPECT_EQ(market_day(date(2019, 4, 19)).holiday, "Good Friday");
  EXPECT_EQ(market_day(date(2038, 4, 23)).holiday, "Good Friday");
  EXPECT_TRUE(market_day(date(2038, 3, 26)).open);
}

TEST(MarketCalendar, WeekendsAreClosedWithoutAHolidayName) {
  const MarketDay saturday = market_day(date(2024, 3, 16));
  EXPECT_FALSE(saturday.open);
  EXPECT_TRUE(saturday.holiday.empty());
  EXPECT_FALSE(market_day(date(2024, 3, 17)).open);
  EXPECT_TRUE(market_day(date(2024, 3, 18)).open);
}

TEST(MarketCalendar, TheSessionIsNineThirtyToFourNewYorkTimeOnBothSidesOfDst) {
  // Friday 2024-03-08 is EST (UTC-5); Monday 2024-03-11 is EDT (UTC-4).
  EXPECT_EQ(market_phase(utc("2024-03-08T14:29:59Z")), MarketPhase::kPreMarket);
  EXPECT_EQ(market_phase(utc("2024-03-08T14:30:00Z")), MarketPhase::kRegular);
  EXPECT_EQ(market_phase(utc("2024-03-08T20:59:59Z")), MarketPhase::kRegular);
  EXPECT_EQ(market_phase(utc("2024-03-08T21:00:00Z")), MarketPhase::kAfterHours);
  EXPECT_EQ(market_phase(utc("2024-03-09T01:00:00Z")), MarketPhase::kClosed);  // 20:00 EST Friday
  EXPECT_EQ(market_phase(utc("2024-03-11T13:30:00Z")), MarketPhase::kRegular);
  EXPECT_EQ(market_phase(utc("2024-03-11T20:00:00Z")), MarketPhase::kAfterHours);
  EXPECT_EQ(market_phase(utc("2024-03-11T07:59:59Z")), MarketPhase::kClosed);  // 03:59:59 EDT
  EXPECT_EQ(market_phase(utc("2024-03-11T08:00:00Z")), MarketPhase::kPreMarket);
  // November: EDT on Friday the 1st, EST on Monday the 4th.
  EXPECT_EQ(market_phase(utc("2024-11-01T19:59:00Z")), MarketPhase::kRegular);
  EXPECT_EQ(market_phase(utc("2024-11-01T20:00:00Z")), MarketPhase::kAfterHours);
  EXPECT_EQ(market_phase(utc("2024-11-04T20:59:00Z")), MarketPhase::kRegular);
}

TEST(MarketCalendar, AnEarlyCloseEndsTheSessionAtOneAndTheAfterHoursAtFive) {
  // The day after Thanksgiving 2024 (EST).
  EXPECT_EQ(market_phase(utc("2024-11-29T17:59:00Z")), MarketPhase::kRegular);
  EXPECT_EQ(market_phase(utc("2024-11-29T18:00:00Z")), MarketPhase::kAfterHours);
  EXPECT_EQ(market_phase(utc("2024-11-29T22:00:00Z")), MarketPhase::kClosed);
  EXPECT_FALSE(market_active(utc("2024-11-29T18:30:00Z"), false));
  EXPECT_TRUE(market_active(utc("2024-11-29T18:30:00Z"), true));
  EXPECT_EQ(market_phase(utc("2024-11-28T16:00:00Z")), MarketPhase::kClosed);  // Thanksgiving
}

TEST(MarketCalendar, TheNextOpeningSkipsWeekendsHolidaysAndCrossesDst) {
  // Friday 2024-03-08 after the close (EST) -> Monday 2024-03-11 09:30 EDT.
  EXPECT_EQ(next_active_start(utc("2024-03-08T21:00:00Z"), false), utc("2024-03-11T13:30:00Z"));
  EXPECT_EQ(next_active_start(utc("2024-03-08T21:00:00Z"), true), utc("2024-03-08T21:00:00Z"));
  EXPECT_EQ(next_active_start(utc("2024-03-09T02:00:00Z"), true), utc("2024-03-11T08:00:00Z"));
  // Thursday before Good Friday 2024 -> Monday April 1.
  EXPECT_EQ(next_active_start(utc("2024-03-28T20:30:00Z"), false), utc("2024-04-01T13:30:00Z"));
  // Before the open on a trading day: that day's open.
  EXPECT_EQ(next_active_start(utc("2024-03-18T12:00:00Z"), false), utc("2024-03-18T13:30:00Z"));
  // During the session: now.
  EXPECT_EQ(next_active_start(utc("2024-03-18T15:00:00Z"), false), utc("2024-03-18T15:00:00Z"));
  // New Year's Eve 2024 after the close -> Thursday 2025-01-02.
  EXPECT_EQ(next_active_start(utc("2024-12-31T22:00:00Z"), false), utc("2025-01-02T14:30:00Z"));
}

TEST(MarketCalendar, OutsideHoursSymbolsArePolledRarelyButAgainAtTheOpening) {
  const MarketHours hours{.extended_hours = false, .closed_interval_ms = 3'600'000};
  const EpochMs session = utc("2024-03-18T15:00:00Z");
  EXPECT_EQ(next_poll_at(session, 60'000, hours), session + 60'000);
  const EpochMs saturday = utc("2024-03-16T15:00:00Z");
  EXPECT_EQ(next_poll_at(saturday, 60'000, hours), saturday + 3'600'000);
  EXPECT_EQ(next_poll_at(saturday, 7'200'000, hours), saturday + 7'200'000);  // a longer interval wins
  // Monday 08:50 EDT: the hour would pass the opening at 09:30.
  const EpochMs before_open = utc("2024-03-18T12:50:00Z");
  EXPECT_EQ(next_poll_at(before_open, 60'000, hours), utc("2024-03-18T13:30:00Z"));
  // With extended hours, 08:50 is the pre-market: polled at the plan's pace.
  EXPECT_EQ(next_poll_at(before_open, 60'000, {.extended_hours = true, .closed_interval_ms = 3'600'000}),
            before_open + 60'000);
}

}  // namespace
}  // namespace st::ingest::providers
