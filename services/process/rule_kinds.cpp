#include "rule_kinds.hpp"

#include <algorithm>

namespace st::process {

bool try_fire(const CompiledRule& rule, RuleRuntime& rt, bool condition, bool rearm, EpochMs ts) {
  if (rt.done) return false;
  if (!rt.armed) {
    if (!rearm) return false;
    rt.armed = true;
  }
  if (!condition) return false;
  if (rt.last_fired != 0 && ts - rt.last_fired < rule.cooldown_ms) return false;  // cooling down
  rt.armed = false;
  rt.last_fired = ts;
  if (rule.repeat == model::RepeatMode::kOnce) rt.done = true;
  return true;
}

bool window_add(RuleRuntime& rt, EpochMs window_ms, EpochMs ts, double price) {
  constexpr std::int64_t k = kWindowBuckets;
  const EpochMs width = std::max<EpochMs>(1, window_ms / k);
  const std::int64_t bucket = ts / width;
  // A ring of another size (a restored state of other parameters) restarts.
  if (rt.values.size() != 2 * k) {
    rt.values.assign(2 * k, 0.0);
    rt.head = bucket;
  }
  if (bucket > rt.head) {
    // Buckets between the old head and the new one saw no price.
    for (std::int64_t b = std::max(rt.head + 1, bucket - k + 1); b <= bucket; ++b) {
      const auto slot = static_cast<std::size_t>(b % k) * 2;
      rt.values[slot] = rt.values[slot + 1] = 0;
    }
    rt.head = bucket;
  } else if (bucket <= rt.head - k) {
    return false;
  }
  const auto slot = static_cast<std::size_t>(bucket % k) * 2;
  double& low = rt.values[slot];
  double& high = rt.values[slot + 1];
  if (low == 0) {
    low = high = price;
  } else {
    low = std::min(low, price);
    high = std::max(high, price);
  }
  return true;
}

std::optional<WindowRange> window_range(const RuleRuntime& rt) {
  std::optional<WindowRange> r;
  for (std::size_t i = 0; i + 1 < rt.values.size(); i += 2) {
    if (rt.values[i] == 0) continue;
    if (!r) {
      r = WindowRange{rt.values[i], rt.values[i + 1]};
    } else {
      r->low = std::min(r->low, rt.values[i]);
      r->high = std::max(r->high, rt.values[i + 1]);
    }
  }
  return r;
}

std::optional<double> volume_push(RuleRuntime& rt, int lookback, double volume) {
  const auto n = static_cast<std::size_t>(lookback);
  if (rt.values.size() != n) {
    rt.values.assign(n, 0.0);
    rt.head = 0;
  }
  std::optional<double> mean;
  if (rt.head >= lookback) {
    double sum = 0;
    for (double v : rt.values) sum += v;
    mean = sum / static_cast<double>(lookback);
  }
  rt.values[static_cast<std::size_t>(rt.head % lookback)] = volume;
  ++rt.head;
  return mean;
}

std::optional<MovingAverages> ma_push(RuleRuntime& rt, const CompiledRule& rule, double close) {
  ++rt.head;
  if (rule.ema) {
    // The first close seeds both averages (the usual EMA start).
    if (rt.head == 1) {
      rt.fast_ma = rt.slow_ma = close;
    } else {
      const double af = 2.0 / (rule.fast + 1);
      const double as = 2.0 / (rule.slow + 1);
      rt.fast_ma += af * (close - rt.fast_ma);
      rt.slow_ma += as * (close - rt.slow_ma);
    }
    if (rt.head < rule.slow) return std::nullopt;
    return MovingAverages{rt.fast_ma, rt.slow_ma};
  }
  const auto n = static_cast<std::size_t>(rule.slow);
  if (rt.closes.size() != n) {  // other parameters: start again
    rt.closes.assign(n, 0.0F);
    rt.head = 1;
  }
  const std::int64_t newest = rt.head - 1;
  rt.closes[static_cast<std::size_t>(newest % rule.slow)] = static_cast<float>(close);
  if (rt.head < rule.slow) return std::nullopt;
  double fast = 0, slow = 0;
  for (std::int64_t i = 0; i < rule.slow; ++i) {
    const double c = rt.closes[static_cast<std::size_t>((newest - i) % rule.slow)];
    slow += c;
    if (i < rule.fast) fast += c;
  }
  return MovingAverages{fast / rule.fast, slow / rule.slow};
}

}  // namespace st::process
