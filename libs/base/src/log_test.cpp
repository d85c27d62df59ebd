#include "stocktracker/base/log.hpp"

#include <gtest/gtest.h>

namespace st::log {

TEST(Log, FormatsOneJsonObjectPerLine) {
  const std::string line = format_line(Level::kWarn, "store", 1700000000000, "batch \"failed\"",
                                       {{"rows", 12}, {"ok", false}, {"ratio", 0.5}, {"err", "a\nb"}});
  EXPECT_EQ(line,
            "{\"ts\":1700000000000,\"level\":\"warn\",\"svc\":\"store\",\"msg\":\"batch \\\"failed\\\"\","
            "\"rows\":12,\"ok\":false,\"ratio\":0.5,\"err\":\"a\\nb\"}\n");
}

TEST(Log, NonFiniteNumbersBecomeNull) {
  const std::string line = format_line(Level::kInfo, "x", 1, "m", {{"v", 1.0 / 0.0}});
  EXPECT_NE(line.find("\"v\":null"), std::string::npos);
}

TEST(Log, ParsesLevels) {
  Level l{};
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::kDebug);
  EXPECT_TRUE(parse_level("error", l));
  EXPECT_EQ(l, Level::kError);
  EXPECT_FALSE(parse_level("verbose", l));
}

TEST(Log, LevelFiltersLines) {
  set_level(Level::kWarn);
  EXPECT_FALSE(enabled(Level::kInfo));
  EXPECT_TRUE(enabled(Level::kError));
  set_level(Level::kInfo);
}

}  // namespace st::log
