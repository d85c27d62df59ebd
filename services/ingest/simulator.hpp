#pragma once
// The built-in market simulator: a pure, deterministic source of ticks,
// news headlines and economic indicator releases. The same seed and the same
// sequence of event times give the same output on every machine (no
// std::*_distribution, whose output is implementation-defined).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::ingest {

/// What the simulator knows of a company: a realistic price level, its
/// yearly volatility and average daily volume.
struct SymbolProfile {
  std::string_view symbol;
  std::string_view name;
  double reference_price;
  double annual_volatility;  // e.g. 0.25 = 25%/year
  double avg_daily_volume;   // shares
};

/// Every company the simulator can produce (the seeded companies).
const std::vector<SymbolProfile>& known_profiles();
const SymbolProfile* find_profile(std::string_view symbol);

/// SplitMix64: tiny, fast, and fully specified, hence reproducible.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();  // [0, 1)
  double normal();   // standard normal, Box-Muller
 private:
  std::uint64_t state_;
  std::optional<double> spare_;
};

/// The intraday volume multiplier at `ts`: a U shape over the US regular
/// session (09:30-16:00 New York, DST-aware), 2.5 at the open and the
/// close, 0.5 at midday, 0.15 outside the session.
double intraday_volume_factor(EpochMs ts);

class MarketSimulator {
 public:
  /// `symbols` empty means every known profile. Unknown symbols get a
  /// generic profile (price 100, 30% volatility).
  MarketSimulator(std::uint64_t seed, const std::vector<std::string>& symbols);

  /// The next tick at event time `ts` (non-decreasing across calls).
  model::PriceTick next_tick(EpochMs ts);
  /// A headline about one of the symbols: positive, negative or neutral.
  model::NewsArticle next_news(EpochMs ts);
  /// A release of one of the tracked economic indicators.
  model::EconomicIndicator next_indicator(EpochMs ts);

  [[nodiscard]] const std::vector<std::string>& symbols() const { return symbols_; }
  [[nodiscard]] double last_price(std::size_t index) const { return states_[index].price; }

 private:
  struct State {
    SymbolProfile profile;
    double price;
    EpochMs last_ts = 0;
  };
  Rng rng_;
  std::vector<std::string> symbols_;
  std::vector<State> states_;
  std::vector<double> cumulative_weight_;
  std::uint64_t news_seq_ = 0;
  std::uint64_t indicator_seq_ = 0;
  std::vector<double> indicator_values_;
};

}  // namespace st::ingest
