#pragma once
// `stocktracker ingest`: publishes the simulator's ticks, news and economic
// indicator releases to Kafka with an idempotent producer keyed by symbol
// (article id, indicator id). Runs on the calling thread until stopped or,
// with a count, until that many ticks were acknowledged.
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"

namespace st::ingest {

struct IngestOptions {
  std::string bootstrap_servers;
  std::uint64_t seed = 42;
  double rate = 200;                 // ticks per second, all symbols together
  std::vector<std::string> symbols;  // empty: every known symbol
  std::uint64_t count = 0;           // 0: run until stopped
  double news_every_s = 10;          // 0: no news
  double indicators_every_s = 60;    // 0: no indicator releases
  /// Simulated event time: the i-th tick gets start_ts + i * step_ms
  /// (a replay faster or slower than the wall clock). 0: the wall clock.
  EpochMs start_ts = 0;
  EpochMs step_ms = 100;
  /// Where the ticks go; benchmarks use a topic of their own so that no
  /// store drains their millions of ticks into PostgreSQL.
  std::string ticks_topic = "stock-prices";
};

struct IngestReport {
  std::uint64_t ticks = 0;
  std::uint64_t news = 0;
  std::uint64_t indicators = 0;
};

Result<IngestReport> run_ingest(const IngestOptions& options, std::stop_token stop);

}  // namespace st::ingest
