#include "replay_file.hpp"
#include "replay_service.hpp"

#include <gtest/gtest.h>

namespace st::ingest::replay {
namespace {

TEST(ReplayFile, PerSymbolFileNewestFirstIsReplayedOldestFirstWithBadRowsKeptApart) {
  // Yahoo's download, newest first, a holiday row of nulls, CRLF, a BOM.
  const std::string text =
      "\xEF\xBB\xBF" "Date,Open,High,Low,Close,Adj Close,Volume\r\n"
      "2024-01-04,182.15,183.09,180.88,181.91,181.66,71983600\r\n"
      "2024-01-03,184.22,185.88,183.43,184.25,184.00,58414500\r\n"
      "2024-01-01,null,null,null,null,null,null\r\n"
      "\r\n"
      "2024-01-02,187.15,188.44,183.89,185.64,185.38,82488700\r\n";
  auto file = load_price_csv(text, {.symbol = "AAPL"});
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(file->rows[0].line, 6u);
  EXPECT_EQ(file->rows[1].line, 3u);
  EXPECT_EQ(file->rows[2].line, 2u);
  EXPECT_LT(file->rows[0].ts, file->rows[1].ts);
  EXPECT_LT(file->rows[1].ts, file->rows[2].ts);
  ASSERT_EQ(file->bad.size(), 1u);
  EXPECT_EQ(file->bad[0].line, 4u);
  EXPECT_EQ(file->bad[0].reason, "parse: close: not a number (\"null\")");
  EXPECT_EQ(file->bad[0].raw, "2024-01-01,null,null,null,null,null,null");
  EXPECT_EQ(file->bad[0].symbol, "AAPL");
  EXPECT_EQ(file->blank_lines, 1u);
  const auto tick = file->tick(file->rows[0], "replay");
  EXPECT_EQ(tick.symbol, "AAPL");
  EXPECT_DOUBLE_EQ(tick.price, 185.64);
}

TEST(ReplayFile, LongFileGroupedBySymbolIsMergedInEventTimeOrder) {
  const std::string text =
      "symbol,timestamp,price,volume\n"
      "AAPL,2024-01-02T14:30:00Z,185.1,100\n"
      "AAPL,2024-01-02T14:30:02Z,185.2,100\n"
      "MSFT,2024-01-02T14:30:01Z,370.5,50\n"
      "MSFT,\"2024-01-02T14:30:02Z\",370.6,50\n"
      "MSFT,2024-01-02T14:30:03Z,0,50\n"
      "IBM,2024-01-02T14:30:04Z,160\n";
  auto file = load_price_csv(text, {});
  ASSERT_TRUE(file) << file.error().message;
  std::vector<std::string> order;
  for (const auto& r : file->rows) order.push_back(file->symbols[r.symbol] + "@" + std::to_string(r.line));
  // Equal times keep the file's order (AAPL line 3 before MSFT line 5).
  EXPECT_EQ(order, (std::vector<std::string>{"AAPL@2", "MSFT@4", "AAPL@3", "MSFT@5"}));
  ASSERT_EQ(file->bad.size(), 2u);
  EXPECT_EQ(file->bad[0].line, 6u);
  EXPECT_EQ(file->bad[0].symbol, "MSFT");
  EXPECT_EQ(file->bad[0].reason.rfind("schema: price:", 0), 0u);
  EXPECT_EQ(file->bad[1].line, 7u);
  EXPECT_EQ(file->bad[1].reason, "parse: expected 4 fields, got 3");
}

TEST(ReplayFile, MalformedQuotingIsABadRowNotTheEnd) {
  const std::string text = "Date,Close,Volume\n2024-01-02,\"185\"x,1\n2024-01-03,186,2\n";
  auto file = load_price_csv(text, {.symbol = "AAPL"});
  ASSERT_TRUE(file);
  ASSERT_EQ(file->rows.size(), 1u);
  ASSERT_EQ(file->bad.size(), 1u);
  EXPECT_EQ(file->bad[0].line, 2u);
  EXPECT_EQ(file->bad[0].reason.rfind("parse: text after the closing quote", 0), 0u);
}

TEST(ReplayFile, FileWithoutUsableHeaderOrSymbolIsRefused) {
  EXPECT_FALSE(load_price_csv("", {.symbol = "AAPL"}));
  EXPECT_FALSE(load_price_csv("\n\n", {.symbol = "AAPL"}));
  EXPECT_FALSE(load_price_csv("a,b\n1,2\n", {.symbol = "AAPL"}));
  auto no_symbol = load_price_csv("Date,Close\n2024-01-02,1\n", {.symbol = "my prices"});
  ASSERT_FALSE(no_symbol);
  EXPECT_NE(no_symbol.error().message.find("--symbol"), std::string::npos);
}

TEST(ReplaySpeed, FactorOrMax) {
  EXPECT_EQ(parse_speed("60"), 60.0);
  EXPECT_EQ(parse_speed("0.5"), 0.5);
  EXPECT_EQ(parse_speed("max"), 0.0);
  EXPECT_FALSE(parse_speed("0"));
  EXPECT_FALSE(parse_speed("-2"));
  EXPECT_FALSE(parse_speed("fast"));
  EXPECT_FALSE(parse_speed("inf"));
}

}  // namespace
}  // namespace st::ingest::replay
