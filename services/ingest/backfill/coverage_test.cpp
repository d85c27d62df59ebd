#include "coverage.hpp"

#include <gtest/gtest.h>

namespace st::ingest::backfill {
namespace {

TEST(Coverage, AddMergesOverlappingAndAdjacentRanges) {
  Coverage c;
  c = add_range(c, {10, 20});
  c = add_range(c, {30, 40});
  EXPECT_EQ(c, (Coverage{{10, 20}, {30, 40}}));
  c = add_range(c, {21, 29});  // adjoins both
  EXPECT_EQ(c, (Coverage{{10, 40}}));
  c = add_range(c, {5, 12});
  EXPECT_EQ(c, (Coverage{{5, 40}}));
  c = add_range(c, {50, 50});
  EXPECT_EQ(c, (Coverage{{5, 40}, {50, 50}}));
}

TEST(Coverage, MissingIsWhatIsNotCovered) {
  const Coverage c{{10, 20}, {30, 40}};
  EXPECT_EQ(missing(c, {10, 40}), (std::vector<DayRange>{{21, 29}}));
  EXPECT_EQ(missing(c, {0, 50}), (std::vector<DayRange>{{0, 9}, {21, 29}, {41, 50}}));
  EXPECT_TRUE(missing(c, {12, 18}).empty());
  EXPECT_EQ(missing({}, {1, 2}), (std::vector<DayRange>{{1, 2}}));
  EXPECT_EQ(missing(c, {35, 45}), (std::vector<DayRange>{{41, 45}}));
}

TEST(Coverage, Contains) {
  const std::vector<DayRange> r{{1, 3}, {7, 7}};
  EXPECT_TRUE(contains(r, 1));
  EXPECT_TRUE(contains(r, 7));
  EXPECT_FALSE(contains(r, 4));
}

TEST(Coverage, Days) {
  EXPECT_EQ(parse_day("1970-01-02"), 1);
  EXPECT_EQ(parse_day("2024-01-01"), 19723);
  EXPECT_EQ(format_day(19723), "2024-01-01");
  EXPECT_FALSE(parse_day("2024-1-1"));
  EXPECT_FALSE(parse_day("yesterday!"));
}

TEST(Coverage, ProgressRecordRoundTrips) {
  const ProgressRecord r{.symbol = "AAPL", .covered = {{19723, 19900}, {19950, 19960}}, .rows = 124, .source = "yahoo"};
  const std::string json = encode(r);
  EXPECT_EQ(json,
            R"({"v":1,"symbol":"AAPL","covered":[["2024-01-01","2024-06-26"],["2024-08-15","2024-08-25"]],"rows":124,"source":"yahoo"})");
  auto back = decode_progress(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
}

TEST(Coverage, BadProgressRecordsAreRefused) {
  EXPECT_FALSE(decode_progress("not json"));
  EXPECT_FALSE(decode_progress(R"({"v":2,"symbol":"A","covered":[],"rows":0,"source":"x"})"));
  EXPECT_FALSE(decode_progress(R"({"v":1,"symbol":"A","covered":[["2024-02-01","2024-01-01"]],"rows":0,"source":"x"})"));
  EXPECT_FALSE(decode_progress(R"({"v":1,"symbol":"A","rows":0,"source":"x"})"));
}

}  // namespace
}  // namespace st::ingest::backfill
