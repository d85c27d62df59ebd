#pragma once
// The bounded per-rule state of the stateful rule kinds, as pure functions
// over RuleRuntime (rules.hpp says which fields each kind uses). The rule
// engine calls them; tests call them directly.
#include <optional>

#include "rules.hpp"

namespace st::process {

/// Arming, cool-down and once, shared by every kind: a rule that fired
/// stays disarmed until `rearm` holds, then fires on `condition` unless it
/// is cooling down. Returns whether it fires now (and records it).
bool try_fire(const CompiledRule& rule, RuleRuntime& rt, bool condition, bool rearm, EpochMs ts);

/// The lowest and highest price of a window rule's ring.
struct WindowRange {
  double low = 0;
  double high = 0;
};

/// Adds a price at event time `ts` to the ring of a window of `window_ms`
/// (kWindowBuckets buckets of window_ms / kWindowBuckets, aligned to the
/// epoch). The window is the newest bucket seen and the buckets before it,
/// kWindowBuckets in all; a price older than that is not added (false).
bool window_add(RuleRuntime& rt, EpochMs window_ms, EpochMs ts, double price);
/// The range over the ring, nullopt while it is empty.
std::optional<WindowRange> window_range(const RuleRuntime& rt);

/// volume_spike: the mean volume of the previous `lookback` candles (nullopt
/// until that many were seen), then `volume` joins the ring.
std::optional<double> volume_push(RuleRuntime& rt, int lookback, double volume);

/// ma_cross: the fast and slow averages after `close` joined them, nullopt
/// until `slow` candles were seen.
struct MovingAverages {
  double fast = 0;
  double slow = 0;
};
std::optional<MovingAverages> ma_push(RuleRuntime& rt, const CompiledRule& rule, double close);

}  // namespace st::process
