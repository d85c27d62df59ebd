#pragma once
// Price CSV files as ticks. Two layouts, told apart by the header row
// (names compared case-insensitively; columns in any order; others ignored):
//  - per symbol, the common export of Yahoo Finance, Alpha Vantage
//    (datatype=csv), Stooq and most brokers:
//      Date,Open,High,Low,Close[,Adj Close],Volume
//    ("Date" may be "Datetime", "Timestamp" or "Time"; Nasdaq.com's
//    "Close/Last" with "$185.64" values is read too). The symbol is not in
//    the file: it comes from --symbol or the file name. One tick per row,
//    the Close at the row's time: open, high and low have no time of their
//    own within the bar, so turning them into ticks would invent an order.
//  - long, several symbols in one file:
//      symbol,timestamp,price[,volume][,currency]
// Times: "2024-01-02" (a daily bar: that session's 16:00 New York close,
// as the providers' daily bars), "2024-01-02 09:30[:00[.123]]" or with a
// 'T' (a wall-clock time in the file's zone, New York unless told
// otherwise), the same followed by "Z" or an offset ("+01:00", "-0500"),
// which then wins, US dates "01/02/2024", and epoch seconds (up to 11
// digits) or milliseconds. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::ingest::replay {

/// How a time written without an offset is read.
struct FileZone {
  bool new_york = true;       // US/Eastern with its DST rule
  EpochMs fixed_offset_ms = 0;  // when !new_york: UTC + this ("UTC" is 0)
};

/// "new-york" (also "America/New_York", "US/Eastern"), "UTC", or "+HH:MM"/"-HH:MM".
std::optional<FileZone> parse_file_zone(std::string_view text);

/// A time of the file, as UTC epoch ms.
Result<EpochMs> parse_csv_time(std::string_view text, const FileZone& zone);

enum class LayoutKind { kPerSymbol, kLong };

/// Where each value is in a row. -1: the column is absent.
struct Layout {
  LayoutKind kind = LayoutKind::kPerSymbol;
  int time = -1;
  int price = -1;
  int volume = -1;
  int symbol = -1;
  int currency = -1;
  std::size_t columns = 0;
};

/// The layout a header row names, or why it names none.
Result<Layout> detect_layout(const std::vector<std::string>& header);

/// The symbol a per-symbol file is about when --symbol is not given: the
/// file name up to its extension and up to the first '_' or space,
/// upper-cased ("aapl_daily.csv" -> "AAPL", "BRK.B.csv" -> "BRK.B").
std::string symbol_from_file_name(std::string_view path);

struct RowDefaults {
  std::string symbol;            // per-symbol layout
  std::string source = "replay";
  std::string currency = "USD";  // when the file has no currency column
  FileZone zone{};
};

/// One data row as a tick, checked against the stock-prices schema (the
/// topic's own codec). The error is "<code>: <detail>" (codes of
/// schemas/dlq-headers.md: `parse` for what cannot be read, `schema` for
/// what the topic refuses) naming the column.
Result<model::PriceTick> read_row(const Layout& layout, const std::vector<std::string>& fields,
                                  const RowDefaults& defaults);

}  // namespace st::ingest::replay
