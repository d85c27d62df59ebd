#pragma once
// `stocktracker ingest --source providers`: polls quotes from real market-data
// providers (Alpha Vantage, Yahoo Finance) for the symbols users track plus
// the configured ones, through the failover chain at the intervals the
// daily budget allows (rarely while the US market is shut), and publishes
// the ticks to stock-prices with an idempotent producer (dead letters to
// stock-prices.dlq); with a News API key, also the tracked companies' news
// to news-articles (dead letters to news-articles.dlq), with Alpha Vantage
// NEWS_SENTIMENT standing in when News API fails, and the full text of the
// articles they gave only a snippet of scraped from their pages on a thread
// of its own (scraper/enrich_queue.hpp); with a FRED key, the
// economic indicators to economic-indicators (FRED first, Alpha Vantage as
// its failover); with an Alpha Vantage key and a database, the metadata of
// companies that lack it (OVERVIEW, into the companies table). Runs on the
// calling thread until stopped, the duration is over or `count` ticks were
// published. The decisions live in providers/ (pure); this is the loop.
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "provider_health_store.hpp"
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
  /// News API: polled for the tracked companies' news when the key is set.
  std::string news_api_key;  // secret: never logged
  std::string news_api_base_url = "https://newsapi.org";
  std::vector<config::RateLimit> news_api_limits{{100, 86'400'000}};
  EpochMs news_min_interval_ms = 60'000;
  /// Articles the news API gave only a snippet of get their page's text
  /// (scraper/), on a thread of their own with a queue of `scrape_queue`
  /// articles (when full, an article goes out with its snippet at once).
  bool scrape_articles = true;
  std::string scrape_rules_path;  // per-site extraction rules; empty: none
  std::size_t scrape_queue = 64;
  /// FRED: the economic indicators are polled when the key is set.
  std::string fred_api_key;  // secret: never logged
  std::string fred_base_url = "https://api.stlouisfed.org";
  std::vector<config::RateLimit> fred_limits{{120, 60'000}};
  /// Alpha Vantage's side uses (news and indicators when the primary fails,
  /// company metadata) each get this much of their own: the same key's quota
  /// is the quotes', so they stay small (Alpha Vantage's own rate-limit
  /// answers then shut every gate of the key).
  std::vector<config::RateLimit> alpha_vantage_side_limits{{4, 86'400'000}};
  /// Company metadata: at most one OVERVIEW request per this long.
  EpochMs metadata_interval_ms = 3'600'000;
  /// The market calendar: outside the session (and the extended hours when
  /// on) a symbol is polled every `closed_interval_ms`; 0: no calendar.
  bool extended_hours = false;
  EpochMs closed_interval_ms = 3'600'000;
  /// Where provider health is published for GET /api/providers (every
  /// health interval, or every minute without one); empty host: nowhere.
  RedisTarget redis;
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
  std::uint64_t articles = 0;
  std::uint64_t article_duplicates = 0;
  std::uint64_t articles_scraped = 0;        // published with their page's text
  std::uint64_t articles_scrape_failed = 0;  // scraping failed: published with the snippet
  std::uint64_t articles_unscraped = 0;      // queue full or stopping: published with the snippet
  std::uint64_t indicators = 0;
  std::uint64_t indicator_duplicates = 0;
  std::uint64_t company_profiles = 0;  // companies rows filled in
};

Result<ProviderIngestReport> run_provider_ingest(const ProviderIngestOptions& options, std::stop_token stop);

}  // namespace st::ingest
