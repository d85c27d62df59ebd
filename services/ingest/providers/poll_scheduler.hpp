#pragma once
// When each symbol is polled and by which provider. Each symbol has a
// refresh interval (refresh_plan.hpp); when it is due, a refresh cycle
// starts: the request goes to the first provider of the failover chain that
// is healthy and has quota; if that one fails (rate-limited, error, unknown
// symbol, unreadable answer), the symbol is due again at once for the next
// provider, each provider being tried at most once per cycle. The cycle ends
// with the first success (next poll one interval later) or when no untried
// provider can take it: then the symbol waits until a provider may be asked
// again (the failed ones back off), or a whole interval when every answer
// was "unknown symbol". Pure, on an injected clock; one polling thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "failover.hpp"
#include "market_calendar.hpp"
#include "refresh_plan.hpp"

namespace st::ingest::providers {

/// One request to make: `symbol` from provider `provider` (a chain index).
struct PollAttempt {
  std::string symbol;
  std::size_t provider = 0;
  bool operator==(const PollAttempt&) const = default;
};

class PollScheduler {
 public:
  /// With `hours`, a symbol refreshed successfully while the US market is
  /// shut waits the closed interval (up to the next opening) instead of its
  /// own (market_calendar.hpp).
  explicit PollScheduler(FailoverChain& chain, std::optional<MarketHours> hours = std::nullopt)
      : chain_(chain), hours_(hours) {}

  /// Sets the symbols and their intervals. A new symbol is due at once; a
  /// known one keeps its time unless the new interval brings it closer; a
  /// symbol not in `plan` is dropped (an answer still in flight for it is
  /// ignored).
  void set_plan(const std::vector<SymbolRefresh>& plan, EpochMs now);

  /// Up to `max` attempts for symbols due at `now` (longest-waiting first),
  /// each with a provider whose token it has taken.
  std::vector<PollAttempt> take_due(EpochMs now, std::size_t max);

  /// The answer to an attempt: tells the chain, then schedules the symbol.
  void complete(const PollAttempt& attempt, const FetchResult& result, EpochMs now);

  /// When take_due may next return something (never before `now`).
  [[nodiscard]] EpochMs next_due(EpochMs now) const;
  [[nodiscard]] std::size_t symbols() const { return states_.size(); }

 private:
  struct State {
    EpochMs interval_ms = 0;
    EpochMs due = 0;
    ProviderMask tried = 0;  // providers asked in the current cycle
    bool only_unknown = true;  // every failure of the cycle was "unknown symbol"
    bool in_flight = false;
  };
  /// Ends the symbol's cycle without data.
  void give_up(State& s, EpochMs now);

  FailoverChain& chain_;
  std::optional<MarketHours> hours_;
  std::map<std::string, State> states_;
};

}  // namespace st::ingest::providers
