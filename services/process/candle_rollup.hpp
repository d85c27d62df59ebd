#pragma once
// Hourly and daily candles derived from the 5-minute candles, for the
// symbols of one Kafka partition. Pure: no clock, no I/O.
//
// A bucket (a UTC hour, or a New York calendar day: 23, 24 or 25 hours) is
// the sum of the 5-minute candles inside it. It follows the same event-time
// rules as the 5-minute windows, on the same partition watermark:
// - it fires (final=false) when the watermark reaches its end;
// - a 5-minute candle updated by a late tick after that updates the bucket,
//   which is emitted again at once (final=false);
// - when the watermark passes end + allowed lateness every 5-minute part is
//   final, and the bucket is emitted one last time with final=true and
//   forgotten (with no allowed lateness, only that final emission).
// State stays small whatever the bucket's length: final 5-minute parts are
// folded into one aggregate, and only parts that may still change (fired,
// within the allowed lateness: one or two) are kept one by one, since a
// late update replaces its part instead of adding to it.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::process {

enum class RollupInterval { kHour, kDay };

/// The bucket holding `ts`: a UTC hour, or the New York day (midnight to
/// midnight, DST-aware). Returns its start.
EpochMs rollup_start(RollupInterval interval, EpochMs ts);
/// The end of the bucket that starts at `start` (the next bucket's start).
EpochMs rollup_end(RollupInterval interval, EpochMs start);

/// A sum of disjoint 5-minute candles: open of the earliest, close of the
/// latest, extremes, and summed volume, price×volume and ticks.
struct CandleAgg {
  EpochMs first_start = 0, last_start = 0;
  double open = 0, high = 0, low = 0, close = 0;
  std::int64_t volume = 0;
  double price_volume = 0;
  std::int64_t ticks = 0;  // 0: empty
  void add(const CandleAgg& part);
  bool operator==(const CandleAgg&) const = default;
};

/// A 5-minute candle as a part of a bucket.
CandleAgg part_of(const model::Candle& five_minute);

struct RollupBucket {
  EpochMs start = 0;
  CandleAgg sealed;                // the final 5-minute parts
  std::vector<CandleAgg> pending;  // the latest version of each part that may still change
  bool fired = false;
  bool operator==(const RollupBucket&) const = default;
};

class CandleRollup {
 public:
  CandleRollup(RollupInterval interval, EpochMs allowed_lateness_ms)
      : interval_(interval), lateness_ms_(allowed_lateness_ms) {}

  /// A 5-minute candle as the windows emitted it (any version).
  void on_candle(const model::Candle& five_minute);
  /// Emits what the watermark closes and the buckets updated since the
  /// last call. Cheap when nothing is due: it runs after every tick.
  void advance(std::optional<EpochMs> watermark, std::vector<model::Candle>& out);

  [[nodiscard]] const std::vector<RollupBucket>* buckets_of(const std::string& symbol) const;
  void restore(const std::string& symbol, std::vector<RollupBucket> buckets);
  [[nodiscard]] std::size_t open_buckets() const;

 private:
  model::Candle to_candle(const std::string& symbol, const RollupBucket& b, bool final) const;
  RollupBucket* find(const std::string& symbol, EpochMs start);

  RollupInterval interval_;
  EpochMs lateness_ms_;
  std::unordered_map<std::string, std::vector<RollupBucket>> buckets_;
  std::map<EpochMs, std::vector<std::pair<std::string, EpochMs>>> to_fire_;   // end -> (symbol, start)
  std::map<EpochMs, std::vector<std::pair<std::string, EpochMs>>> to_purge_;  // end + lateness -> ...
  std::set<std::pair<std::string, EpochMs>> updated_;                         // fired buckets changed
};

}  // namespace st::process
