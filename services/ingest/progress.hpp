#pragma once
// Progress of a long command (`replay`, `backfill`): a bar redrawn in place
// on a terminal, plain JSON log lines every few seconds when stderr is not
// a terminal (a pipe, a file, CI), so a log never fills with carriage
// returns. The text is built by pure functions, tested on their own.
#include <cstdint>
#include <string>
#include <string_view>

namespace st::ingest {

struct ProgressSnapshot {
  std::string_view label;   // "replay"
  std::string_view unit;    // what `done`/`total` count: "rows", "symbols"
  std::uint64_t done = 0;
  std::uint64_t total = 0;  // 0: unknown (no percentage, no ETA)
  double elapsed_s = 0;
  double rate = 0;          // rows per second
  std::string_view rate_unit;  // what `rate` counts ("rows")
  std::string_view extra;   // appended as is ("12,345 rows")
};

/// "1,234,567"
std::string group_thousands(std::uint64_t n);
/// "0:07", "1:02:03"; "?" for a negative or non-finite time.
std::string format_duration(double seconds);
/// Seconds left at the rate seen so far; negative when unknown.
double eta_seconds(std::uint64_t done, std::uint64_t total, double elapsed_s);
/// "replay [#######-------------]  35% 350,000/1,000,000 rows  210,000 rows/s  ETA 0:03"
std::string render_bar(const ProgressSnapshot& s, std::size_t bar_width);

/// Owns the drawing; one thread calls it. Redraws at most every 100 ms on a
/// terminal, logs a line every `log_every_s` otherwise; finish() draws the
/// last state and ends the bar's line.
class ProgressReporter {
 public:
  ProgressReporter(std::string label, std::string unit, std::uint64_t total, bool terminal, double log_every_s = 5);
  /// The rate counts `rate_count` (rows), which may differ from `done` (symbols).
  void update(std::uint64_t done, std::uint64_t rate_count, std::string_view extra = {});
  void finish(std::uint64_t done, std::uint64_t rate_count, std::string_view extra = {});
  void set_total(std::uint64_t total) { total_ = total; }
  void set_rate_unit(std::string unit) { rate_unit_ = std::move(unit); }

  /// Whether stderr is a terminal (the bar) or not (log lines).
  static bool stderr_is_terminal();

 private:
  void emit(std::uint64_t done, std::uint64_t rate_count, std::string_view extra, bool last);
  std::string label_;
  std::string unit_;
  std::string rate_unit_;
  std::uint64_t total_;
  bool terminal_;
  double log_every_s_;
  std::int64_t start_ns_;
  std::int64_t last_draw_ns_ = 0;
};

}  // namespace st::ingest
