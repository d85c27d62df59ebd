#include "batch.hpp"

#include <gtest/gtest.h>

namespace st::store {

TEST(Batch, TickRowIsCopyTextInColumnOrder) {
  std::string out;
  append_tick_row(out, {"BRK.B", 412.5, 100, 1700000000123, "sim\tx", "USD"}, 3, 42);
  EXPECT_EQ(out, "BRK.B\t2023-11-14 22:13:20.123+00\t412.5\t100\tsim\\tx\tUSD\t3\t42\n");
}

}  // namespace st::store
