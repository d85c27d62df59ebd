#pragma once
// Backtesting an alert rule: stored ticks (and 5-minute candles) replayed
// through the processor's own rule engine (services/process/rules.hpp), so
// the answer is what `process` would have done on that history. Pure: the
// caller reads the history (routes_backtest.cpp) and feeds it in event-time
// order.
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::process {
class RuleEngine;
}

namespace st::api {

class Backtest {
 public:
  /// A backtest of `rule` (its state is ignored: a paused or fired rule is
  /// replayed as if active). Alerts before `report_from` are evaluated (they
  /// arm, disarm and cool down the rule, and the previous close comes from
  /// them) but not reported. An error names what the engine refused.
  static std::expected<Backtest, std::string> create(UserId user, model::AlertRuleSpec rule, EpochMs report_from);
  Backtest(Backtest&&) noexcept;
  Backtest& operator=(Backtest&&) noexcept;
  ~Backtest();

  /// Whether the rule's kind is evaluated on candles (volume_spike,
  /// ma_cross) rather than ticks.
  [[nodiscard]] bool uses_candles() const;
  /// The next tick, in event-time order; `partition`/`offset` are its
  /// stock-prices position (they make alert ids deterministic).
  void on_tick(const model::PriceTick& tick, std::int32_t partition, std::int64_t offset);
  void on_candle(const model::Candle& candle);

  /// The reported alerts, oldest first.
  [[nodiscard]] const std::vector<model::Alert>& fired() const { return fired_; }
  [[nodiscard]] std::int64_t ticks() const { return ticks_; }
  [[nodiscard]] std::int64_t candles() const { return candles_; }

 private:
  Backtest() = default;
  void keep(std::vector<model::Alert>& batch);
  std::unique_ptr<process::RuleEngine> engine_;
  model::RuleKind kind_ = model::RuleKind::kPriceAbove;
  EpochMs report_from_ = 0;
  std::vector<model::Alert> fired_;
  std::vector<model::Alert> batch_;
  std::int64_t ticks_ = 0;
  std::int64_t candles_ = 0;
};

/// One reported alert as JSON: {ts, time, price, reference_price,
/// change_pct, threshold, message}.
std::string backtest_alert_json(const model::Alert& alert);

}  // namespace st::api
