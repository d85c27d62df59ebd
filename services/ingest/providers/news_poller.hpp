#pragma once
// When ingest asks News API for articles, what it asks, and which of the
// articles it got are new. One request at a time, alternating between
// /v2/everything for the tracked companies (from the newest article seen,
// less an hour of overlap) and /v2/top-headlines (business, us); the pace
// is the quota's (a budget share of its requests a day, never faster than
// `min_interval_ms`), and the provider's gate (quota, backoff honouring
// Retry-After, circuit breaker) can only slow it down.
// An article already published (the same id, i.e. the same URL) is not
// published again: ids are remembered, the oldest forgotten after
// `remember` of them, and the caller seeds them from the news already
// stored so a restart does not republish either.
// With an Alpha Vantage key, Alpha Vantage's NEWS_SENTIMENT stands behind
// News API in a failover chain: when News API fails, is rate-limited, out of
// quota or benched, the same turn goes to Alpha Vantage (one tracked company
// per request, in turn, most watched first; its tickers parameter means
// "articles about all of these"). Its articles have the same ids (the URL's
// hash), so a story both give is published once. Without a News API key
// there is no news polling: Alpha Vantage's small quota is kept for quotes.
// Pure, on an injected clock; one polling thread owns it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alpha_vantage_news.hpp"
#include "failover.hpp"
#include "news_api.hpp"
#include "recent_ids.hpp"

namespace st::ingest::providers {

struct NewsPollerOptions {
  std::string base_url;
  std::string api_key;  // secret: goes in a header, never logged; empty: no news polling
  std::vector<config::RateLimit> limits;
  std::string alpha_vantage_base_url{};
  std::string alpha_vantage_api_key{};  // empty: no secondary
  std::vector<config::RateLimit> alpha_vantage_limits{};
  double budget_share = 0.9;
  EpochMs min_interval_ms = 60'000;
  std::size_t remember = 20'000;
};

class NewsPoller {
 public:
  NewsPoller(NewsPollerOptions options, std::uint64_t seed, EpochMs now);

  /// False without a News API key.
  [[nodiscard]] bool enabled() const { return chain_.size() > 0; }

  /// The companies whose news is asked for and whose names are looked for.
  void set_companies(const std::vector<CompanyName>& companies);
  /// Marks an article id as published (from the database at start).
  void remember(const std::string& id);

  /// The request to make now, taking a quota token, or nullopt when none
  /// is due or the gate is shut.
  std::optional<httpclient::Request> take_due(EpochMs now);
  /// Reads the answer to the request take_due gave, tells the gate, and
  /// keeps only the articles not published before (now remembered).
  FetchResult complete(const Result<httpclient::Response>& answer, EpochMs now);

  /// When take_due may next give a request.
  [[nodiscard]] EpochMs next_due(EpochMs now) const;
  [[nodiscard]] EpochMs interval_ms() const;
  /// The provider of the last request take_due gave.
  [[nodiscard]] ProviderId last_provider() const { return chain_.gate(in_flight_provider_).provider(); }
  /// The first provider's (News API's when its key is set).
  [[nodiscard]] ProviderHealth health(EpochMs now) const { return chain_.gate(0).health(now); }
  /// Every provider's, in failover order.
  [[nodiscard]] std::vector<ProviderHealth> health_all(EpochMs now) const;
  [[nodiscard]] std::uint64_t duplicates() const { return duplicates_; }

 private:
  NewsPollerOptions options_;
  FailoverChain chain_;
  ProviderMask tried_ = 0;             // providers that failed this turn
  std::size_t in_flight_provider_ = 0;
  std::size_t next_company_ = 0;       // Alpha Vantage's turn through companies_
  std::vector<CompanyName> companies_;
  SymbolMatcher matcher_;
  std::string query_;
  bool everything_next_ = true;   // which endpoint the next request goes to
  bool in_flight_everything_ = false;
  bool in_flight_ = false;
  EpochMs due_ = 0;
  std::optional<EpochMs> newest_seen_;  // published_ts of the newest /v2/everything article
  RecentIds seen_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace st::ingest::providers
