#pragma once
// The kind-specific parameters of an alert rule (alert_rules.params), parsed
// and checked in one place: the API refuses a rule whose parameters do not
// parse here, and process compiles rules with the same function, so the two
// cannot disagree on what a rule means. Parameter names and ranges are in
// docs/architecture.md, "Alert rule kinds".
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "stocktracker/model/alert_messages.hpp"

namespace st::model {

/// up/down for prices and moving averages; for news, up is positive and
/// down is negative sentiment; for indicators, above and below.
enum class MoveDirection { kUp, kDown, kBoth };

struct RuleParams {
  /// The kind's main threshold: a price (price_above/below), a percentage
  /// (pct_change_*), a volume multiple (volume_spike), a sentiment magnitude
  /// (news_sentiment, composite_news_drop), an indicator value.
  double level = 0;
  MoveDirection direction = MoveDirection::kBoth;
  std::int64_t window_minutes = 0;    // pct_change_window, composite_news_drop
  double drop_pct = 0;                // composite_news_drop
  std::int64_t lookback_candles = 0;  // volume_spike
  std::int64_t fast = 0, slow = 0;    // ma_cross, in 5-minute candles
  bool ema = false;                   // ma_cross
  std::string indicator;              // indicator_threshold: CPI, UNEMPLOYMENT, ...
};

/// What is wrong, naming the field as a client sees it ("params.window_minutes").
struct ParamError {
  std::string field;
  std::string message;
};

inline constexpr std::int64_t kMaxWindowMinutes = 1440;
inline constexpr std::int64_t kMaxLookbackCandles = 96;  // 8 hours of 5-minute candles: 768 B of state
inline constexpr std::int64_t kMaxMaPeriod = 200;

/// Parses `params_json` (a JSON object) for `kind`; unknown keys are errors.
std::expected<RuleParams, ParamError> parse_rule_params(RuleKind kind, std::string_view params_json);

}  // namespace st::model
