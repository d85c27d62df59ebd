#pragma once
// `stocktracker backfill`: loads the daily history of symbols through the
// same provider clients, quotas, backoff, breakers and failover as `ingest
// --source providers` (Alpha Vantage TIME_SERIES_DAILY, Yahoo's daily
// chart) into stock-prices, from where `store` writes PostgreSQL.
//
// Exactly once, resumable: each symbol's ticks, its dead letters and its
// progress record (coverage.hpp, on the compacted `backfill-progress`
// topic) are one Kafka transaction. The store reads read_committed, so a
// backfill killed at any moment leaves either all of a symbol's range or
// none of it; the next run fences the killed one (same transactional id),
// which aborts its open transaction, reads the progress topic and asks
// only for the day ranges not covered yet. The history ends with the last
// completed New York session (today's is `ingest`'s).
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "stocktracker/base/error.hpp"
#include "stocktracker/config/settings.hpp"

namespace st::ingest::backfill {

struct BackfillOptions {
  std::string bootstrap_servers;
  std::vector<std::string> symbols;
  std::string from;  // "2024-01-01"
  std::string to;    // empty: the last completed session
  std::vector<std::string> providers;  // failover order
  std::string alpha_vantage_api_key;   // secret: never logged
  std::string alpha_vantage_base_url = "https://www.alphavantage.co";
  std::string yahoo_base_url = "https://query1.finance.yahoo.com";
  std::vector<config::RateLimit> alpha_vantage_limits;
  std::vector<config::RateLimit> yahoo_limits;
  /// Names the job: its transactional id is stocktracker-backfill-<job>, so
  /// a rerun of the same job fences a killed one; jobs with different
  /// names may run side by side (on different symbols).
  std::string job = "default";
  std::chrono::milliseconds http_timeout{30'000};
  bool progress_bar = false;
  std::uint64_t seed = 0;  // backoff jitter; 0: random
};

struct BackfillReport {
  std::uint64_t symbols_loaded = 0;   // ranges published in this run
  std::uint64_t symbols_skipped = 0;  // already covered by an earlier run
  std::uint64_t symbols_failed = 0;   // no provider could give them
  std::uint64_t rows = 0;
  std::uint64_t dead_letters = 0;
};

/// Fails on invalid options, Kafka errors and a fenced or aborted
/// transaction (rerun to resume); a symbol no provider can give is counted
/// in symbols_failed and the others go on.
Result<BackfillReport> run_backfill(const BackfillOptions& options, std::stop_token stop);

}  // namespace st::ingest::backfill
