#include "stocktracker/base/time_format.hpp"

#include <gtest/gtest.h>

namespace st {

TEST(TimeFormat, FormatsIso8601AndPostgresText) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(1700000000123), "2023-11-14T22:13:20.123Z");
  std::string pg;
  append_pg_timestamp(pg, 1709251199999);  // the last ms of Feb 2024 (leap year)
  EXPECT_EQ(pg, "2024-02-29 23:59:59.999+00");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeFormat, ParsesDatesTimesOffsetsAndEpochMs) {
  EXPECT_EQ(parse_time("2023-11-14T22:13:20.123Z"), 1700000000123);
  EXPECT_EQ(parse_time("2023-11-14T22:13:20Z"), 1700000000000);
  EXPECT_EQ(parse_time("2023-11-14T23:13:20+01:00"), 1700000000000);
  EXPECT_EQ(parse_time("2023-11-14"), 1699920000000);
  EXPECT_EQ(parse_time("1700000000000"), 1700000000000);
  EXPECT_FALSE(parse_time("2023-13-01"));
  EXPECT_FALSE(parse_time("2023-11-14T22:13:20"));  // no zone: ambiguous
  EXPECT_FALSE(parse_time("yesterday"));
  EXPECT_FALSE(parse_time(""));
}

TEST(TimeFormat, RoundTripsAcrossCenturies) {
  for (EpochMs ms : {0LL, 951782400000LL, 4102444800000LL, 1234567890123LL}) {
    EXPECT_EQ(parse_time(format_iso8601(ms)), ms);
  }
}

}  // namespace st
