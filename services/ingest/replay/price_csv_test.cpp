#include "price_csv.hpp"

#include <gtest/gtest.h>

namespace st::ingest::replay {
namespace {

const FileZone kNewYork{};
const FileZone kUtc{.new_york = false, .fixed_offset_ms = 0};

EpochMs t(std::string_view text, const FileZone& zone = kNewYork) {
  auto r = parse_csv_time(text, zone);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : -1;
}

TEST(CsvTime, DailyDateIsTheNewYorkClose) {
  EXPECT_EQ(t("2024-01-02"), 1704229200000);  // 16:00 EST = 21:00 UTC
  EXPECT_EQ(t("2024-07-01"), 1719864000000);  // 16:00 EDT = 20:00 UTC
  EXPECT_EQ(t("01/02/2024"), 1704229200000);  // Nasdaq.com's US dates
}

TEST(CsvTime, WallClockIsNewYorkByDefaultAcrossTheDstChange) {
  EXPECT_EQ(t("2024-01-02 09:30"), 1704205800000);     // EST: 14:30 UTC
  EXPECT_EQ(t("2024-03-15 09:30:00"), 1710509400000);  // EDT: 13:30 UTC
  EXPECT_EQ(t("2024-03-10 01:30:00"), 1710052200000);  // before the change: EST
  EXPECT_EQ(t("2024-03-10 03:30:00"), 1710055800000);  // after: EDT, one hour of UTC later
  EXPECT_EQ(t("2024-03-15T09:30:00"), 1710509400000);  // 'T' as well as a space
}

TEST(CsvTime, ExplicitOffsetWinsOverTheFileZone) {
  EXPECT_EQ(t("2024-01-02T09:30:00Z"), 1704187800000);
  EXPECT_EQ(t("2024-01-02T09:30:00+01:00"), 1704184200000);
  EXPECT_EQ(t("2024-01-02 09:30:00.250 -0500"), 1704205800250);
  EXPECT_EQ(t("2024-01-02T09:30:00.25Z", kNewYork), 1704187800250);
}

TEST(CsvTime, OtherFileZones) {
  EXPECT_EQ(t("2024-01-02 09:30", kUtc), 1704187800000);
  const auto tokyo = parse_file_zone("+09:00");
  ASSERT_TRUE(tokyo);
  EXPECT_EQ(t("2024-01-02 09:30", *tokyo), 1704155400000);
  EXPECT_TRUE(parse_file_zone("America/New_York")->new_york);
  EXPECT_FALSE(parse_file_zone("UTC")->new_york);
  EXPECT_FALSE(parse_file_zone("Europe/Paris"));
}

TEST(CsvTime, EpochSecondsAndMilliseconds) {
  EXPECT_EQ(t("1704187800"), 1704187800000);
  EXPECT_EQ(t("1704187800123"), 1704187800123);
}

TEST(CsvTime, RejectsWhatIsNoTime) {
  for (const char* bad : {"", "yesterday", "2024-02-30", "2024-13-01", "2024-01-02 25:00", "2024-01-02 09:30 EST",
                          "2024-01-02x", "12345678901234"}) {
    EXPECT_FALSE(parse_csv_time(bad, kNewYork)) << bad;
  }
}

TEST(CsvLayout, PerSymbolExportsInAnyCase) {
  auto l = detect_layout({"Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"});
  ASSERT_TRUE(l);
  EXPECT_EQ(l->kind, LayoutKind::kPerSymbol);
  EXPECT_EQ(l->time, 0);
  EXPECT_EQ(l->price, 4);  // Close, not Adj Close
  EXPECT_EQ(l->volume, 6);
  EXPECT_EQ(l->symbol, -1);
  auto nasdaq = detect_layout({"Date", "Close/Last", "Volume", "Open", "High", "Low"});
  ASSERT_TRUE(nasdaq);
  EXPECT_EQ(nasdaq->price, 1);
  auto av = detect_layout({"timestamp", "open", "high", "low", "close", "volume"});
  ASSERT_TRUE(av);
  EXPECT_EQ(av->kind, LayoutKind::kPerSymbol);
}

TEST(CsvLayout, LongLayout) {
  auto l = detect_layout({"symbol", "timestamp", "price", "volume"});
  ASSERT_TRUE(l);
  EXPECT_EQ(l->kind, LayoutKind::kLong);
  EXPECT_EQ(l->symbol, 0);
  EXPECT_EQ(l->price, 2);
  EXPECT_EQ(l->currency, -1);
}

TEST(CsvLayout, UnknownHeaderIsRefused) {
  EXPECT_FALSE(detect_layout({"a", "b", "c"}));
  EXPECT_FALSE(detect_layout({"Date", "Open"}));
  EXPECT_FALSE(detect_layout({"timestamp", "price"}));  // long layout without symbol
}

TEST(CsvLayout, SymbolFromFileName) {
  EXPECT_EQ(symbol_from_file_name("/data/aapl.csv"), "AAPL");
  EXPECT_EQ(symbol_from_file_name("msft_daily.csv"), "MSFT");
  EXPECT_EQ(symbol_from_file_name("BRK.B.csv"), "BRK.B");
}

class CsvRow : public ::testing::Test {
 protected:
  Layout wide = *detect_layout({"Date", "Open", "High", "Low", "Close", "Volume"});
  Layout longl = *detect_layout({"symbol", "timestamp", "price", "volume", "currency"});
  RowDefaults defaults{.symbol = "AAPL"};
};

TEST_F(CsvRow, PerSymbolRowIsOneTickAtTheClose) {
  auto tick = read_row(wide, {"2024-01-02", "187.15", "188.44", "183.89", "185.64", "82488700"}, defaults);
  ASSERT_TRUE(tick) << tick.error().message;
  EXPECT_EQ(tick->symbol, "AAPL");
  EXPECT_DOUBLE_EQ(tick->price, 185.64);
  EXPECT_EQ(tick->volume, 82488700);
  EXPECT_EQ(tick->ts, 1704229200000);
  EXPECT_EQ(tick->source, "replay");
  EXPECT_EQ(tick->currency, "USD");
}

TEST_F(CsvRow, LongRowCarriesItsSymbolAndCurrency) {
  auto tick = read_row(longl, {"SAP", "2024-01-02T08:00:00Z", "139.5", "10", "EUR"}, defaults);
  ASSERT_TRUE(tick) << tick.error().message;
  EXPECT_EQ(tick->symbol, "SAP");
  EXPECT_EQ(tick->currency, "EUR");
  EXPECT_EQ(tick->ts, 1704182400000);
}

TEST_F(CsvRow, BadRowsSayWhatAndWhere) {
  const auto reason = [&](const Layout& l, std::vector<std::string> f) {
    auto r = read_row(l, f, defaults);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(reason(wide, {"2024-01-02", "null", "null", "null", "null", "null"}),
            "parse: close: not a number (\"null\")");
  EXPECT_EQ(reason(wide, {"2024-01-02", "1", "1", "1", "185.64"}), "parse: expected 6 fields, got 5");
  EXPECT_EQ(reason(wide, {"2024-01-02", "1", "1", "1", "-3", "10"}).rfind("schema: price:", 0), 0u);
  EXPECT_EQ(reason(wide, {"2024-01-02", "1", "1", "1", "3", "-10"}).rfind("schema: volume:", 0), 0u);
  EXPECT_EQ(reason(wide, {"2024-01-02", "1", "1", "1", "3", "1.5"}), "parse: volume: not a whole number (\"1.5\")");
  EXPECT_EQ(reason(wide, {"someday", "1", "1", "1", "3", "1"}).rfind("parse: time: not a time", 0), 0u);
  EXPECT_EQ(reason(longl, {"not a symbol", "1704187800", "1", "1", "USD"}).rfind("schema: symbol:", 0), 0u);
  EXPECT_EQ(reason(longl, {"SAP", "1704187800", "1", "1", "euro"}).rfind("schema: currency:", 0), 0u);
  EXPECT_EQ(reason(longl, {"SAP", "1704187800", "nan", "1", "EUR"}), "parse: price: not a number (\"nan\")");
}

TEST_F(CsvRow, DollarPricesAndFloatVolumes) {
  auto tick = read_row(wide, {"01/02/2024", "1", "1", "1", "$185.64", "82488700.0"}, defaults);
  ASSERT_TRUE(tick) << tick.error().message;
  EXPECT_DOUBLE_EQ(tick->price, 185.64);
  EXPECT_EQ(tick->volume, 82488700);
}

}  // namespace
}  // namespace st::ingest::replay
