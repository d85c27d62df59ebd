#include "tick_dedup.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

model::PriceTick tick(std::string symbol, EpochMs ts, std::string source = "yahoo") {
  return {.symbol = std::move(symbol), .price = 1, .volume = 1, .ts = ts, .source = std::move(source), .currency = "USD"};
}

TEST(TickDedup, ATickIsNewOncePerSymbolSourceAndTime) {
  TickDedup d;
  EXPECT_TRUE(d.first_time(tick("AAPL", 1000)));
  EXPECT_FALSE(d.first_time(tick("AAPL", 1000)));
  EXPECT_TRUE(d.first_time(tick("AAPL", 1000, "alphavantage")));
  EXPECT_TRUE(d.first_time(tick("MSFT", 1000)));
  EXPECT_TRUE(d.first_time(tick("AAPL", 2000)));
  EXPECT_TRUE(d.first_time(tick("AAPL", 500)));  // older, but never seen
}

TEST(TickDedup, MemoryIsBoundedAndWhatIsForgottenIsNeverRepublished) {
  TickDedup d(3);
  for (EpochMs t : {1000, 2000, 3000, 4000}) EXPECT_TRUE(d.first_time(tick("AAPL", t)));
  // 1000 was forgotten: it and anything before it count as seen.
  EXPECT_FALSE(d.first_time(tick("AAPL", 1000)));
  EXPECT_FALSE(d.first_time(tick("AAPL", 999)));
  EXPECT_FALSE(d.first_time(tick("AAPL", 4000)));
  EXPECT_TRUE(d.first_time(tick("AAPL", 1500)));
  EXPECT_TRUE(d.first_time(tick("AAPL", 5000)));
  EXPECT_FALSE(d.first_time(tick("AAPL", 2000)));  // forgotten now, still seen
}

}  // namespace
}  // namespace st::ingest::providers
