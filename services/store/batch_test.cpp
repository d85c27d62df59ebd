#include "batch.hpp"

#include <gtest/gtest.h>

namespace st::store {

TEST(Batch, TickRowIsCopyTextInColumnOrder) {
  std::string out;
  append_tick_row(out, {"BRK.B", 412.5, 100, 1700000000123, "sim\tx", "USD"}, 3, 42);
  EXPECT_EQ(out, "BRK.B\t2023-11-14 22:13:20.123+00\t412.5\t100\tsim\\tx\tUSD\t3\t42\n");
}

TEST(Batch, TracksTheNextOffsetPerPartition) {
  Batch b;
  b.note_offset("stock-prices", 0, 10);
  b.note_offset("stock-prices", 0, 11);
  b.note_offset("stock-prices", 2, 5);
  EXPECT_EQ(b.messages, 3u);
  EXPECT_EQ((b.next_offsets[{"stock-prices", 0}]), 12);
  EXPECT_EQ((b.next_offsets[{"stock-prices", 2}]), 6);
  b.clear();
  EXPECT_TRUE(b.next_offsets.empty());
}

}  // namespace st::store
