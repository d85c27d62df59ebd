#pragma once
// Alert rules over the tick stream: pure decisions, no I/O. The engine holds
// the market state of each symbol (last price, previous close, day open) and
// the runtime state of each (user, rule, symbol) — armed, done, last fired —
// which the processor writes to its changelog and restores from it.
//
// Rule kinds evaluated on ticks here: price_above, price_below,
// pct_change_prev_close (also the default rule: a user's
// price_change_threshold on every tracked company). Hysteresis: a rule that
// fired re-arms only after the price moves back past the level by a margin
// (0.2% of the level for price levels, 20% of the threshold for percentage
// moves), so a price hovering at a level fires once. A cool-down delays the
// next firing of a repeating rule; a `once` rule fires once.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::process {

enum class Direction { kUp, kDown, kBoth };

/// One rule of one user on one symbol, with its parameters parsed.
struct CompiledRule {
  UserId user;
  std::optional<model::AlertRuleId> rule_id;  // nullopt: the default rule
  std::string symbol;
  model::RuleKind kind = model::RuleKind::kPriceAbove;
  double level = 0;  // a price (price_above/below) or a percentage
  Direction direction = Direction::kBoth;
  model::RepeatMode repeat = model::RepeatMode::kRepeat;
  EpochMs cooldown_ms = 0;
  std::string key;  // rule_key(*this), computed once
};

/// The rules of a user's preferences that this engine evaluates on ticks
/// (paused rules and other kinds are left out; an invalid rule is reported
/// in `errors`, never thrown).
std::vector<CompiledRule> compile_rules(const model::UserPreferences& prefs, std::vector<std::string>* errors);

/// The runtime state of one rule on one symbol.
struct RuleRuntime {
  bool armed = true;
  bool done = false;  // a `once` rule that fired
  EpochMs last_fired = 0;
  bool operator==(const RuleRuntime&) const = default;
};

/// What the engine knows of a symbol's market.
struct MarketState {
  double last_price = 0;
  double prev_close = 0;  // the last price of the previous New York trading day
  double day_open = 0;    // the first price of the current New York day
  std::int64_t day = 0;   // New York calendar day number of the last tick
  bool operator==(const MarketState&) const = default;
};

/// Rule state keys: "<user>:<rule id or 'default'>".
std::string rule_key(const CompiledRule& rule);

struct SymbolState {
  MarketState market;
  std::map<std::string, RuleRuntime> rules;  // by rule_key
  bool operator==(const SymbolState&) const = default;
};

struct CompanyInfo {
  std::string name;
  std::string sector;
};

class RuleEngine {
 public:
  /// Replaces every rule (a new preferences table); states of rules that
  /// still exist are kept.
  void set_rules(const std::vector<CompiledRule>& rules);
  void set_companies(std::unordered_map<std::string, CompanyInfo> companies) { companies_ = std::move(companies); }

  /// Evaluates a tick; appends fired alerts. `partition`/`offset` make the
  /// alert ids deterministic: a replay gives the same ids.
  void on_tick(const model::PriceTick& tick, std::int32_t partition, std::int64_t offset,
               std::vector<model::Alert>& out);

  [[nodiscard]] const SymbolState* state_of(const std::string& symbol) const;
  void restore(const std::string& symbol, SymbolState state) { states_[symbol] = std::move(state); }
  void forget(const std::string& symbol) { states_.erase(symbol); }
  [[nodiscard]] std::size_t rule_count() const;

 private:
  std::unordered_map<std::string, std::vector<CompiledRule>> rules_by_symbol_;
  std::unordered_map<std::string, SymbolState> states_;
  std::unordered_map<std::string, CompanyInfo> companies_;
};

}  // namespace st::process
