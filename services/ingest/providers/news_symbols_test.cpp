#include "news_symbols.hpp"

#include <gtest/gtest.h>

namespace st::ingest::providers {
namespace {

TEST(NewsSymbols, ShortNamesDropTheLegalForm) {
  EXPECT_EQ(short_company_name("Apple Inc."), "Apple");
  EXPECT_EQ(short_company_name("The Boeing Company"), "Boeing");
  EXPECT_EQ(short_company_name("The Goldman Sachs Group, Inc."), "Goldman Sachs");
  EXPECT_EQ(short_company_name("JPMorgan Chase & Co."), "JPMorgan Chase");
  EXPECT_EQ(short_company_name("Amazon.com, Inc."), "Amazon");
  EXPECT_EQ(short_company_name("Johnson & Johnson"), "Johnson & Johnson");
  EXPECT_EQ(short_company_name("International Business Machines Corporation"), "International Business Machines");
  EXPECT_EQ(short_company_name("HP Inc."), "");  // too short to find by name
}

TEST(NewsSymbols, TickersAreWholeWordsAndShortOnesNeedATag) {
  const SymbolMatcher m({{"AAPL", "Apple Inc."}, {"BRK.B", "Berkshire Hathaway Inc."}, {"GE", "GE Aerospace"},
                         {"V", "Visa Inc."}});
  EXPECT_EQ(m.mentioned("AAPL rose"), (std::vector<std::string>{"AAPL"}));
  EXPECT_TRUE(m.mentioned("AAPLX is a fund").empty());
  EXPECT_TRUE(m.mentioned("XAAPL").empty());
  EXPECT_EQ(m.mentioned("Buffett's BRK.B."), (std::vector<std::string>{"BRK.B"}));
  EXPECT_TRUE(m.mentioned("GE and V rallied").empty());
  EXPECT_EQ(m.mentioned("$GE and (NYSE: V) rallied"), (std::vector<std::string>{"GE", "V"}));
  EXPECT_EQ(m.mentioned("Nasdaq:GE"), (std::vector<std::string>{"GE"}));
  EXPECT_TRUE(m.mentioned("Company: V").empty());
}

TEST(NewsSymbols, NamesMatchWithTheirCapitals) {
  const SymbolMatcher m({{"AAPL", "Apple Inc."}, {"BA", "The Boeing Company"}, {"V", "Visa Inc."}});
  EXPECT_EQ(m.mentioned("Boeing and Apple"), (std::vector<std::string>{"AAPL", "BA"}));
  EXPECT_TRUE(m.mentioned("apple pie, visa rules, Applebee's").empty());
  EXPECT_EQ(m.mentioned("Visa’s results"), (std::vector<std::string>{"V"}));
}

TEST(NewsSymbols, AtMostFiftySymbols) {
  std::vector<CompanyName> companies;
  std::string text;
  for (int i = 0; i < 60; ++i) {
    companies.push_back({"SYM" + std::to_string(i), ""});
    text += "SYM" + std::to_string(i) + " ";
  }
  EXPECT_EQ(SymbolMatcher(companies).mentioned(text).size(), 50u);
}

}  // namespace
}  // namespace st::ingest::providers
