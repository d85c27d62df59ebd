#include "csv_reader.hpp"

#include <gtest/gtest.h>

namespace st::ingest::replay {
namespace {

std::vector<CsvRecord> read_all(std::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, SplitsLinesAndFields) {
  const auto r = read_all("a,b,c\n1,2,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(r[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[1].raw, "1,2,3");
}

TEST(CsvReader, LastLineWithoutLineBreak) {
  const auto r = read_all("a,b\n1,2");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (Fields{"1", "2"}));
}

TEST(CsvReader, CrlfLineBreaks) {
  const auto r = read_all("Date,Close\r\n2024-01-02,185.64\r\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"Date", "Close"}));
  EXPECT_EQ(r[1].fields, (Fields{"2024-01-02", "185.64"}));
  EXPECT_EQ(r[1].raw, "2024-01-02,185.64");
}

TEST(CsvReader, SkipsUtf8ByteOrderMark) {
  const auto r = read_all("\xEF\xBB\xBF" "Date,Close\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields[0], "Date");
}

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  const auto r = read_all("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,1,2\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a,b", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[1].line, 3u);  // the quoted line break counts
}

TEST(CsvReader, TrimsSpacesAroundFields) {
  const auto r = read_all(" a , \"b\" ,c\t\n");
  EXPECT_EQ(r[0].fields, (Fields{"a", "b", "c"}));
}

TEST(CsvReader, EmptyFieldsAndBlankLines) {
  const auto r = read_all("a,,c\n\n,\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "", "c"}));
  EXPECT_TRUE(r[1].blank());
  EXPECT_FALSE(r[2].blank());
  EXPECT_EQ(r[2].fields, (Fields{"", ""}));
}

TEST(CsvReader, TextAfterClosingQuoteIsAnErrorAndReadingGoesOn) {
  const auto r = read_all("\"a\"x,b\n1,2\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].error.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(r[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, UnclosedQuoteIsAnError) {
  const auto r = read_all("1,\"never closed\n2,3\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].error, "a quoted field is not closed");
}

}  // namespace
}  // namespace st::ingest::replay
