#pragma once
// Alert rules over the tick stream: pure decisions, no I/O. The engine holds
// the market state of each symbol (last price, previous close, day open) and
// the runtime state of each (user, rule, symbol) — armed, done, last fired —
// which the processor writes to its changelog and restores from it.
//
// Rule kinds evaluated here, per symbol (docs/architecture.md, "Alert rule
// kinds", gives their parameters and state sizes):
// - on ticks: price_above, price_below, pct_change_prev_close (also the
//   default rule: a user's price_change_threshold on every tracked
//   company), pct_change_window, and the price side of composite_news_drop;
// - on the first emission of each 5-minute candle: volume_spike, ma_cross;
// - on scored articles about the symbol: news_sentiment and the news side of
//   composite_news_drop;
// - on economic-indicator releases: indicator_threshold (no symbol; its
//   state is kept apart, see on_indicator).
// Hysteresis: a rule that fired re-arms only after the price moves back past
// the level by a margin (0.2% of the level for price levels, 20% of the
// threshold for percentage moves), so a price hovering at a level fires
// once. A cool-down delays the next firing of a repeating rule; a `once`
// rule fires once.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
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
  double level = 0;  // a price (price_above/below), a percentage, a volume factor or a sentiment
  Direction direction = Direction::kBoth;  // up/down; for news: positive/negative
  EpochMs window_ms = 0;                   // pct_change_window, composite_news_drop
  double drop_pct = 0;                     // composite_news_drop: the price drop (level is the sentiment)
  int lookback = 0;                        // volume_spike: candles averaged
  int fast = 0, slow = 0;                  // ma_cross: periods in candles
  bool ema = false;                        // ma_cross: EMA instead of SMA
  std::string indicator;                   // indicator_threshold (symbol is empty)
  model::RepeatMode repeat = model::RepeatMode::kRepeat;
  EpochMs cooldown_ms = 0;
  std::string key;  // rule_key(*this), computed once
};

/// The rules of a user's preferences that this engine evaluates on ticks
/// (paused rules and other kinds are left out; an invalid rule is reported
/// in `errors`, never thrown).
std::vector<CompiledRule> compile_rules(const model::UserPreferences& prefs, std::vector<std::string>* errors);

/// Buckets of a window rule's ring: the window is cut into this many
/// event-time buckets, each keeping its lowest and highest price.
inline constexpr int kWindowBuckets = 30;

/// The runtime state of one rule on one symbol. Besides arming, each kind
/// keeps only what its decision needs (all bounded, docs/architecture.md):
/// - pct_change_window, composite_news_drop: `head` is the newest bucket
///   number, `values` holds (low, high) per bucket in a ring of
///   kWindowBuckets (0 = empty);
/// - volume_spike: `values` the volumes of the last `lookback` candles
///   (a ring at `head` % lookback), `head` the candles seen;
/// - ma_cross: `closes` the last `slow` closes (SMA; float halves the
///   state of SMA 200 to 800 bytes), or `fast_ma`/`slow_ma` (EMA); `head`
///   the candles seen; `side` the sign of fast - slow at the last candle;
/// - composite_news_drop: the strongly negative article waiting for a drop.
struct RuleRuntime {
  bool armed = true;
  bool done = false;  // a `once` rule that fired
  EpochMs last_fired = 0;
  std::int64_t head = 0;
  std::vector<double> values;
  std::vector<float> closes;
  double fast_ma = 0, slow_ma = 0;
  int side = 0;
  EpochMs news_ts = 0;  // 0: no article waiting
  double news_sentiment = 0;
  bool operator==(const RuleRuntime&) const = default;
};

/// What the engine knows of a symbol's market.
struct MarketState {
  double last_price = 0;
  double prev_close = 0;  // the last price of the previous New York trading day
  double day_open = 0;    // the first price of the current New York day
  std::int64_t day = 0;   // New York calendar day number of the last tick
  EpochMs last_ts = 0;    // event time of the latest tick
  EpochMs last_candle = 0;  // start of the newest candle the candle rules saw
  std::optional<double> sentiment;  // of the latest scored article about the symbol
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

/// The compiled rules indexed for evaluation. Built once per preferences
/// change and shared read-only by every partition's engine: a copy per
/// partition would multiply the largest part of the state.
struct RuleIndex {
  std::unordered_map<std::string, std::vector<CompiledRule>> by_symbol;
  std::vector<CompiledRule> indicators;  // indicator_threshold: no symbol
  [[nodiscard]] std::size_t size() const;
};
std::shared_ptr<const RuleIndex> index_rules(std::vector<CompiledRule> rules);

class RuleEngine {
 public:
  /// Replaces every rule (a new preferences table); states of rules that
  /// still exist are kept, those of rules gone (deleted or paused) are
  /// dropped, so a re-armed rule starts afresh and state stays bounded by
  /// the live rules. Returns the symbols whose state changed that way (for
  /// the changelog).
  std::vector<std::string> set_rules(std::shared_ptr<const RuleIndex> rules);
  std::vector<std::string> set_rules(std::vector<CompiledRule> rules) { return set_rules(index_rules(std::move(rules))); }
  void set_companies(std::unordered_map<std::string, CompanyInfo> companies) { companies_ = std::move(companies); }

  /// Evaluates a tick; appends fired alerts. `partition`/`offset` make the
  /// alert ids deterministic: a replay gives the same ids.
  void on_tick(const model::PriceTick& tick, std::int32_t partition, std::int64_t offset,
               std::vector<model::Alert>& out);

  /// Evaluates the candle rules on the first emission of a 5-minute candle
  /// (later emissions of the same window, late updates, are ignored, so a
  /// candle counts once). Alert ids name the candle's start.
  void on_candle(const model::Candle& candle, std::vector<model::Alert>& out);

  /// Evaluates the news rules of `symbol` on a scored article about it and
  /// remembers its sentiment for the enrichment. Alert ids name the article.
  void on_news(const std::string& symbol, const model::ScoredArticle& article, std::vector<model::Alert>& out);

  /// Evaluates the indicator_threshold rules on a release. Their state is
  /// not per symbol: it lives in the engine of the partition that consumes
  /// economic-indicators (partition 0, see docs/architecture.md) and goes to
  /// the changelog as one record.
  void on_indicator(const model::EconomicIndicator& release, std::vector<model::Alert>& out);
  [[nodiscard]] const std::map<std::string, RuleRuntime>& indicator_states() const { return indicator_states_; }
  void restore_indicators(std::map<std::string, RuleRuntime> states) { indicator_states_ = std::move(states); }
  /// Whether the indicator states changed since the last call.
  bool take_indicator_changes() { return std::exchange(indicators_changed_, false); }

  [[nodiscard]] const SymbolState* state_of(const std::string& symbol) const;
  void restore(const std::string& symbol, SymbolState state) {
    Entry& e = states_[symbol];
    e = Entry();  // unresolved: its runtime states are new objects
    e.state = std::move(state);
  }
  void forget(const std::string& symbol) { states_.erase(symbol); }
  /// The symbols with a tick since the last call (each once): their state
  /// changed, so the processor writes them to its changelog. Kept here
  /// because on_tick holds the symbol's entry anyway, where a set in the
  /// processor cost one more hash lookup per tick.
  std::vector<std::string> take_ticked_symbols();
  [[nodiscard]] std::size_t rule_count() const;

 private:
  /// A symbol's state and, for on_tick, its rules and their runtime states
  /// resolved once: a tick then costs one hash lookup instead of one per
  /// map plus a string-keyed map lookup per rule. The resolution holds while
  /// `generation` equals the engine's (set_rules bumps it; restore replaces
  /// the entry); std::map nodes stay put while other keys are added.
  struct Entry {
    SymbolState state;
    std::uint64_t generation = 0;  // 0: not resolved
    bool ticked = false;           // listed in ticked_
    /// The rules on_tick evaluates, in rule order, with what its loop reads
    /// first copied beside the runtime pointer: most ticks fire nothing, and
    /// then the loop never touches the (large, scattered) CompiledRule.
    struct TickRule {
      const CompiledRule* rule;
      RuleRuntime* runtime;
      model::RuleKind kind;
      Direction direction;
      double level;
    };
    std::vector<TickRule> tick_rules;
  };
  Entry& resolved(const std::string& symbol);
  /// model::new_york_day, cached for the UTC hour of the last call (New
  /// York's offsets are whole hours, so its day never changes inside one).
  std::int64_t new_york_day(EpochMs ts);

  /// The alert's common fields and enrichment; `event_id` (the input
  /// position, candle or article) makes its id unique and deterministic.
  [[nodiscard]] model::Alert make_alert(const CompiledRule& rule, const std::string& symbol, const MarketState& m,
                                        const std::string& event_id, EpochMs ts) const;

  std::shared_ptr<const RuleIndex> rules_ = std::make_shared<const RuleIndex>();
  std::unordered_map<std::string, Entry> states_;
  std::vector<std::string> ticked_;  // see take_ticked_symbols
  std::uint64_t generation_ = 1;
  std::int64_t day_cache_hour_ = -1, day_cache_day_ = 0;
  std::map<std::string, RuleRuntime> indicator_states_;  // by rule_key
  bool indicators_changed_ = false;
  std::unordered_map<std::string, CompanyInfo> companies_;
};

}  // namespace st::process
