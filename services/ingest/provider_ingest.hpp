#pragma once
// `stocktracker ingest --source providers`: polls quotes from real market-data
// providers (Alpha Vantage, Yahoo Finance) for the symbols users track plus
// the configured ones, through the failover chain at the intervals the
// daily budget allows, and publishes the ticks to stock-prices with an
// idempotent producer (dead letters to stock-prices.dlq). Runs on the
// calling thread until stopped, the duration is over or `count` ticks were
// published. The decisions live in providers/ (pure); this is the loop.
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/config/settings.hpp"

namespace st::ingest {

struct ProviderIngestOptions {
  std::string bootstrap_servers;
  /// Where the tracked symbols are read (user_companies); empty: only `symbols`.
  std::string database_url;
  std::vector<std::string> symbols;    // polled besides the tracked ones
  std::vector<std::string> providers;  // failover order: "alphavantage", "yahoo"
  std::string alpha_vantage_api_key;   // secret: never logged
  std::string alpha_vantage_base_url = "https://www.alphavantage.co";
  std::string yahoo_base_url = "https://query1.finance.yahoo.com";
  std::vector<config::RateLimit> alpha_vantage_limits;
  std::vector<config::RateLimit> yahoo_limits;
  std::uint64_t count = 0;  // stop after this many ticks (0: no limit)
  double duration_s = 0;    // stop after this long (0: until stopped)
  EpochMs min_interval_ms = 60'000;
  EpochMs max_interval_ms = 86'400'000;
  /// The share of the providers' daily quotas the refresh plan spends; the
  /// rest is left for failover retries and breaker probes.
  double budget_share = 0.9;
  double health_every_s = 60;
  EpochMs reload_every_ms = 300'000;  // tracked symbols re-read this often
  std::size_t max_in_flight = 4;
  std::chrono::milliseconds http_timeout{10'000};
  /// Seed of the backoff jitter; 0: a random one, so that instances which
  /// failed together do not retry in step.
  std::uint64_t seed = 0;
};

struct ProviderIngestReport {
  std::uint64_t ticks = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t dead_letters = 0;
  std::uint64_t requests = 0;
};

Result<ProviderIngestReport> run_provider_ingest(const ProviderIngestOptions& options, std::stop_token stop);

}  // namespace st::ingest
