#include "backtest.hpp"

#include <fmt/format.h>

#include "rules.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/time_format.hpp"

namespace st::api {

std::expected<Backtest, std::string> Backtest::create(UserId user, model::AlertRuleSpec rule, EpochMs report_from) {
  rule.state = model::RuleState::kActive;
  model::UserPreferences prefs;
  prefs.user_id = user;
  // No tracked companies: the default rule (price_change_threshold on each
  // tracked company) stays out, only `rule` is compiled.
  prefs.rules.push_back(rule);
  std::vector<std::string> errors;
  auto compiled = process::compile_rules(prefs, &errors);
  if (!errors.empty()) return std::unexpected(errors.front());
  if (compiled.empty()) {
    return std::unexpected(std::string(model::to_string(rule.kind)) + " rules cannot be backtested");
  }
  Backtest b;
  b.engine_ = std::make_unique<process::RuleEngine>();
  b.engine_->set_rules(compiled);
  b.kind_ = rule.kind;
  b.report_from_ = report_from;
  return b;
}

Backtest::Backtest(Backtest&&) noexcept = default;
Backtest& Backtest::operator=(Backtest&&) noexcept = default;
Backtest::~Backtest() = default;

bool Backtest::uses_candles() const {
  return kind_ == model::RuleKind::kVolumeSpike || kind_ == model::RuleKind::kMaCross;
}

void Backtest::keep(std::vector<model::Alert>& batch) {
  for (auto& a : batch) {
    if (a.event_ts >= report_from_) fired_.push_back(std::move(a));
  }
  batch.clear();
}

void Backtest::on_tick(const model::PriceTick& tick, std::int32_t partition, std::int64_t offset) {
  ++ticks_;
  engine_->on_tick(tick, partition, offset, batch_);
  keep(batch_);
}

void Backtest::on_candle(const model::Candle& candle) {
  ++candles_;
  engine_->on_candle(candle, batch_);
  keep(batch_);
}

std::string backtest_alert_json(const model::Alert& a) {
  const auto number = [](std::string& out, const std::optional<double>& v) {
    if (v) {
      fmt::format_to(std::back_inserter(out), "{}", *v);
    } else {
      out += "null";
    }
  };
  std::string out = "{\"ts\":" + std::to_string(a.event_ts) + ",\"time\":";
  append_json_string(out, format_iso8601(a.event_ts));
  out += ",\"price\":";
  number(out, a.price);
  out += ",\"reference_price\":";
  number(out, a.reference_price);
  out += ",\"change_pct\":";
  number(out, a.change_pct);
  out += ",\"threshold\":";
  number(out, a.threshold);
  out += ",\"message\":";
  append_json_string(out, a.message);
  out += "}";
  return out;
}

}  // namespace st::api
