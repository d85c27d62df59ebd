#pragma once
// A seeded replay for the stream processor's fault tests: the ticks (which
// the deterministic simulator regenerates), a user with price_above and
// pct_change_window rules on each symbol, a news_sentiment rule on the
// first and an indicator_threshold rule, one strongly negative article about
// it and two releases of the indicator, the oracle's candles and
// alerts computed straightforwardly, and a reader of what the processor
// committed (read_committed).
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::itest {

struct OracleCandle {
  double open = 0, high = 0, low = 0, close = 0;
  std::int64_t volume = 0, ticks = 0;
};

/// kind, symbol, event time, price (0 for news alerts: the price then is
/// whatever tick came before the article, which timing decides).
using AlertKey = std::tuple<std::string, std::string, EpochMs, double>;

class ProcessReplay {
 public:
  static constexpr EpochMs kStepMs = 100;
  static constexpr EpochMs kLatenessMs = 60000;
  static constexpr EpochMs kOutOfOrderMs = 2000;

  /// Plans `ticks` ticks over `symbols` fresh symbols, starts the replay's
  /// own consumer group at the current end of its input topics, publishes
  /// the user's rules to user-preferences and computes the oracle.
  ProcessReplay(const std::string& tag, std::int64_t ticks);
  /// Deletes the topics the group's processors made (its changelog and news
  /// repartition topic): each run makes fresh ones. Destroy it after them.
  ~ProcessReplay();
  ProcessReplay(const ProcessReplay&) = delete;
  ProcessReplay& operator=(const ProcessReplay&) = delete;

  /// The ingest command line that sends exactly these ticks at `rate`/s.
  [[nodiscard]] std::vector<std::string> ingest_args(int rate) const;
  /// The process command line (windows configured like the oracle) in the
  /// replay's own group: its transactional ids (`<group>-<instance id>`),
  /// changelog and news repartition topic are the replay's too, so another
  /// run's instances neither fence these nor share their partitions.
  [[nodiscard]] std::vector<std::string> process_args(const std::string& instance_id) const;

  struct Committed {
    std::map<std::pair<std::string, EpochMs>, std::vector<model::Candle>> finals;
    std::map<std::pair<std::string, EpochMs>, std::vector<model::Candle>> hourly_finals;  // price-candles-1h
    std::multiset<AlertKey> alerts;
  };
  /// Reads committed candles and alerts until every window the oracle
  /// says must be closed is there and as many alerts as expected arrived.
  [[nodiscard]] Committed read_committed(std::chrono::seconds timeout) const;

  /// EXPECTs that the committed output equals the oracle: each final
  /// candle once and equal, the same multiset of alerts.
  void expect_equal(const Committed& got) const;

  /// The committed output against the oracle, counted for the fault tests'
  /// result lines: lost = required final candles and oracle alerts that are
  /// missing; duplicated = extra copies of a final candle and alerts beyond
  /// the oracle's count; wrong = final candles with other values, alerts the
  /// oracle does not have.
  struct Tally {
    std::int64_t lost = 0, duplicated = 0, wrong = 0;
  };
  [[nodiscard]] Tally tally(const Committed& got) const;

 private:
  std::string tag_;
  std::string group_;  // the processor's consumer group, this replay's only
  std::vector<std::string> symbols_;
  std::int64_t ticks_ = 0;
  std::uint64_t seed_ = 20261127;
  EpochMs start_ = 0;
  std::int64_t user_ = 0;
  std::map<std::pair<std::string, EpochMs>, OracleCandle> candles_;
  std::set<std::pair<std::string, EpochMs>> must_close_;
  // The same, by UTC hour (price-candles-1h is built from the 5-minute
  // candles; the oracle sums the ticks directly).
  std::map<std::pair<std::string, EpochMs>, OracleCandle> hours_;
  std::set<std::pair<std::string, EpochMs>> hours_must_close_;
  std::multiset<AlertKey> alerts_;
};

}  // namespace st::itest
