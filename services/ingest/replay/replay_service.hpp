#pragma once
// `stocktracker replay FILE.csv`: publishes a price CSV (price_csv.hpp) to
// stock-prices as ticks in event-time order, at `speed` times the pace of
// their event times (1 s of wall time per `speed` s of event time), or as
// fast as Kafka takes them (speed 0). Rows that cannot be used are logged
// with their line number, counted, and sent to stock-prices.dlq with the
// reason ("parse: replay: AAPL.csv:17: close: not a number (\"null\")");
// the good rows are still replayed. Runs on the calling thread until the
// file is done or a stop is requested; everything produced is flushed
// before it returns.
#include <cstdint>
#include <optional>
#include <string_view>
#include <stop_token>
#include <string>

#include "price_csv.hpp"
#include "stocktracker/base/error.hpp"

namespace st::ingest::replay {

struct ReplayOptions {
  std::string bootstrap_servers;
  std::string file;
  std::string symbol;             // per-symbol files; empty: from the file name
  double speed = 60;              // 0: as fast as possible
  std::string source = "replay";  // the ticks' `source`
  std::string currency = "USD";   // when the file has no currency column
  FileZone zone{};
  std::size_t logged_bad_rows = 100;  // bad rows logged one by one; the rest counted (all go to the DLQ)
  bool progress_bar = false;      // true: a bar on stderr; false: progress log lines
  std::string topic = "stock-prices";  // benchmarks use their own (no store drains it)
};

struct ReplayReport {
  std::uint64_t rows = 0;       // good rows in the file
  std::uint64_t published = 0;  // ticks produced (fewer than rows when stopped)
  std::uint64_t bad_rows = 0;
  std::uint64_t blank_lines = 0;
  double seconds = 0;           // publishing, from the first tick to the last acknowledgement
};

/// "--speed": a positive factor ("60", "0.5"), or "max" (as fast as possible), as 0.
std::optional<double> parse_speed(std::string_view text);

Result<ReplayReport> run_replay(const ReplayOptions& options, std::stop_token stop);

}  // namespace st::ingest::replay
