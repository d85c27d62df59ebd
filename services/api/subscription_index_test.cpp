#include "subscription_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace st::api {
namespace {

std::vector<ConnId> sorted(std::vector<ConnId> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SubscriptionIndex, MapsSymbolsToConnectionsBothWays) {
  SubscriptionIndex index;
  EXPECT_TRUE(index.subscribe(1, {"AAPL", "MSFT"}, 10));
  EXPECT_TRUE(index.subscribe(2, {"AAPL"}, 10));
  EXPECT_EQ(sorted(index.subscribers("AAPL")), (std::vector<ConnId>{1, 2}));
  EXPECT_EQ(index.subscribers("MSFT"), std::vector<ConnId>{1});
  EXPECT_TRUE(index.subscribers("TSLA").empty());
  EXPECT_EQ(index.symbols_of(1), (std::vector<std::string>{"AAPL", "MSFT"}));
  EXPECT_EQ(index.symbol_count(), 2U);
}

TEST(SubscriptionIndex, SubscribingTwiceAddsNothing) {
  SubscriptionIndex index;
  EXPECT_TRUE(index.subscribe(1, {"AAPL"}, 10));
  EXPECT_TRUE(index.subscribe(1, {"AAPL", "AAPL"}, 10));
  EXPECT_EQ(index.subscribers("AAPL"), std::vector<ConnId>{1});
  EXPECT_EQ(index.symbols_of(1).size(), 1U);
}

TEST(SubscriptionIndex, RefusesPastTheMaximumAddingNothing) {
  SubscriptionIndex index;
  EXPECT_TRUE(index.subscribe(1, {"A", "B"}, 3));
  EXPECT_FALSE(index.subscribe(1, {"C", "D"}, 3));
  EXPECT_EQ(index.symbols_of(1), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(index.subscribers("C").empty());
  EXPECT_TRUE(index.subscribe(1, {"A", "C"}, 3));  // A is already counted
  EXPECT_FALSE(index.subscribe(2, {"A", "B", "C", "D"}, 3));
  EXPECT_TRUE(index.symbols_of(2).empty());
}

TEST(SubscriptionIndex, UnsubscribeAndRemoveLeaveNoEmptyEntries) {
  SubscriptionIndex index;
  index.subscribe(1, {"AAPL", "MSFT"}, 10);
  index.subscribe(2, {"AAPL"}, 10);
  index.unsubscribe(1, {"AAPL", "TSLA"});
  EXPECT_EQ(index.subscribers("AAPL"), std::vector<ConnId>{2});
  EXPECT_EQ(index.symbols_of(1), std::vector<std::string>{"MSFT"});
  index.remove(2);
  EXPECT_TRUE(index.subscribers("AAPL").empty());
  EXPECT_EQ(index.symbol_count(), 1U);
  index.unsubscribe(1, {"MSFT"});
  EXPECT_EQ(index.symbol_count(), 0U);
  EXPECT_TRUE(index.symbols_of(1).empty());
  index.remove(99);  // unknown: nothing happens
}

}  // namespace
}  // namespace st::api
