#include "progress.hpp"

#include <gtest/gtest.h>

namespace st::ingest {
namespace {

TEST(Progress, GroupsThousands) {
  EXPECT_EQ(group_thousands(0), "0");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(1000), "1,000");
  EXPECT_EQ(group_thousands(1234567), "1,234,567");
  EXPECT_EQ(group_thousands(100000), "100,000");
  EXPECT_EQ(group_thousands(30661), "30,661");
  EXPECT_EQ(group_thousands(12345678), "12,345,678");
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(format_duration(7), "0:07");
  EXPECT_EQ(format_duration(62), "1:02");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(Progress, EtaFollowsTheRateSoFar) {
  EXPECT_DOUBLE_EQ(eta_seconds(250, 1000, 10), 30);
  EXPECT_DOUBLE_EQ(eta_seconds(1000, 1000, 10), 0);
  EXPECT_LT(eta_seconds(0, 1000, 10), 0);   // nothing done yet: unknown
  EXPECT_LT(eta_seconds(10, 0, 10), 0);     // no total: unknown
}

TEST(Progress, RendersBarCountsRateAndEta) {
  const ProgressSnapshot s{.label = "replay", .unit = "rows", .done = 350000, .total = 1000000,
                           .elapsed_s = 1.75, .rate = 200000, .rate_unit = {}, .extra = {}};
  EXPECT_EQ(render_bar(s, 20), "replay [#######-------------]  35% 350,000/1,000,000 rows  200,000 rows/s  ETA 0:03");
}

TEST(Progress, RendersSymbolsWithRowsAsExtra) {
  const ProgressSnapshot s{.label = "backfill", .unit = "symbols", .done = 1, .total = 2,
                           .elapsed_s = 4, .rate = 500, .rate_unit = "rows", .extra = "2,000 rows"};
  EXPECT_EQ(render_bar(s, 4), "backfill [##--]  50% 1/2 symbols  2,000 rows  500 rows/s  ETA 0:04");
}

TEST(Progress, WithoutTotalShowsNoEta) {
  const ProgressSnapshot s{.label = "x", .unit = "rows", .done = 5, .total = 0, .elapsed_s = 1, .rate = 5,
                           .rate_unit = {}, .extra = {}};
  EXPECT_EQ(render_bar(s, 10), "x 5 rows  5 rows/s");
}

}  // namespace
}  // namespace st::ingest
