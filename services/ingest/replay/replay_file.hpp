#pragma once
// A price CSV read into memory as ticks in event-time order, with every row
// that could not be used kept apart with its line number and reason. Pure:
// the caller reads the file and publishes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "price_csv.hpp"

namespace st::ingest::replay {

/// One good row, compact (a million rows take 32 MB): the symbol and the
/// currency are indexes into LoadedFile's tables.
struct Row {
  EpochMs ts = 0;
  double price = 0;
  std::int64_t volume = 0;
  std::uint32_t line = 0;
  std::uint16_t symbol = 0;
  std::uint16_t currency = 0;
};

struct BadRow {
  std::size_t line = 0;
  std::string reason;   // "parse: close: not a number (\"null\")"
  std::string raw;      // the row's text
  std::string symbol;   // its symbol when known, for the dead letter's key
};

struct LoadedFile {
  Layout layout{};
  std::vector<Row> rows;  // sorted by event time; rows of one time keep the file's order
  std::vector<BadRow> bad;
  std::vector<std::string> symbols;
  std::vector<std::string> currencies;
  std::size_t blank_lines = 0;

  /// Row `r` as a tick (source from `defaults`).
  [[nodiscard]] model::PriceTick tick(const Row& r, std::string_view source) const;
};

/// Reads `text` (a whole file); `defaults.symbol` is used by per-symbol
/// files. Fails only when the file has no usable header, or is a
/// per-symbol file without a symbol; bad rows are in `bad`.
Result<LoadedFile> load_price_csv(std::string_view text, const RowDefaults& defaults);

}  // namespace st::ingest::replay
