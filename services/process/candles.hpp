#pragma once
// 5-minute tumbling windows in event time, for the symbols of one Kafka
// partition. Pure: no clock, no I/O; the caller feeds ticks in partition
// order and collects what the windows emit.
//
// Semantics (Flink's event-time windows with allowed lateness):
// - watermark = highest event time seen - out_of_orderness, or the floor
//   set by advance_to (an idle partition raised to the other partitions'
//   watermark by processing-time idleness), whichever is higher;
// - a window [start, start+5m) fires when the watermark reaches its end
//   (final=false while late updates are still allowed, final=true when the
//   allowed lateness is 0);
// - a tick for a fired window that is still within the allowed lateness
//   updates it and re-emits it at once (final=false);
// - when the watermark passes end + allowed lateness the window is emitted
//   one last time with final=true and forgotten;
// - a tick for a forgotten window is late: counted and returned to the
//   caller for the side output, never silently dropped.
// Open is the price of the tick with the earliest event time and close the
// one with the latest; equal times keep arrival (offset) order.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::process {

struct WindowConfig {
  EpochMs out_of_orderness_ms = 2'000;
  EpochMs allowed_lateness_ms = 60'000;
  /// Processing-time idleness, as Flink's withIdleness: a partition that
  /// received no record for this long no longer holds the watermark back;
  /// it follows the lowest watermark of the partitions still active (see
  /// Processor::advance_idle). 0 disables it.
  EpochMs idle_timeout_ms = 0;
};

/// The running aggregate of one window.
struct WindowAcc {
  EpochMs start = 0;
  double open = 0, high = 0, low = 0, close = 0;
  EpochMs open_ts = 0, close_ts = 0;
  std::int64_t volume = 0;
  double price_volume = 0;  // sum of price * volume, for the VWAP
  std::int64_t ticks = 0;
  bool fired = false;
  bool operator==(const WindowAcc&) const = default;
};

/// The candle message of an aggregate over [w.start, end_ts).
model::Candle make_candle(const std::string& symbol, const WindowAcc& w, EpochMs end_ts, bool final);

class CandleWindows {
 public:
  explicit CandleWindows(WindowConfig config) : config_(config) {}

  enum class Added { kAccepted, kLate };
  /// Adds one tick; appends any candle emitted because of it (a late update
  /// or windows closed by the advanced watermark) to `out`.
  Added add(const model::PriceTick& tick, std::vector<model::Candle>& out);

  [[nodiscard]] std::optional<EpochMs> watermark() const;
  /// Raises the watermark to at least `watermark` without a tick (an idle
  /// partition); appends the candles this closes. False when the watermark
  /// was already there.
  bool advance_to(EpochMs watermark, std::vector<model::Candle>& out);
  [[nodiscard]] std::optional<EpochMs> watermark_floor() const { return floor_; }
  [[nodiscard]] std::uint64_t late_ticks() const { return late_; }

  /// State for the changelog: every open window of one symbol.
  [[nodiscard]] const std::vector<WindowAcc>* windows_of(const std::string& symbol) const;
  /// Restores one symbol's windows and the partition's progress.
  void restore(const std::string& symbol, std::vector<WindowAcc> windows);
  void restore_progress(std::optional<EpochMs> max_event_ts, std::uint64_t late,
                        std::optional<EpochMs> watermark_floor = std::nullopt);
  [[nodiscard]] std::optional<EpochMs> max_event_ts() const { return max_ts_; }
  [[nodiscard]] std::size_t open_windows() const;

  static EpochMs window_start(EpochMs ts);

 private:
  static model::Candle to_candle(const std::string& symbol, const WindowAcc& w, bool final);
  void advance(std::vector<model::Candle>& out);

  WindowConfig config_;
  std::optional<EpochMs> max_ts_;
  std::optional<EpochMs> floor_;  // set by advance_to
  std::uint64_t late_ = 0;
  // Per symbol, its open windows ordered by start (usually one or two).
  std::unordered_map<std::string, std::vector<WindowAcc>> windows_;
  // Window end -> symbols with an unfired window ending there; and
  // purge time (end + lateness) -> symbols with a window to purge then.
  std::map<EpochMs, std::vector<std::string>> to_fire_;
  std::map<EpochMs, std::vector<std::string>> to_purge_;
};

}  // namespace st::process
