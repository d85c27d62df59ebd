#pragma once
// When ingest asks for the economic indicators of economic_series.hpp, from
// which provider, and which of the values it got are new.
// Each indicator is due every `poll_every_ms` of its table row (hours: the
// series change monthly or quarterly, Treasury yields daily). A due
// indicator goes to the first provider of the chain (FRED, then Alpha
// Vantage) whose gate (quota, backoff, circuit breaker) is open; when that
// one fails, is rate-limited or does not know the series, the next provider
// is asked at once for the same indicator; when all have failed it is asked
// again `retry_ms` later. A value already published (the same
// indicator and period, whichever provider gave it) is not published again:
// ids are remembered, the oldest forgotten after `remember` of them, and the
// caller seeds them from the values already stored.
// One request at a time. Pure, on an injected clock; one thread owns it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "economic_series.hpp"
#include "failover.hpp"
#include "recent_ids.hpp"

namespace st::ingest::providers {

struct EconomyPollerOptions {
  std::string fred_base_url;
  std::string fred_api_key;  // secret: goes in the URL, so requests are never logged
  std::vector<config::RateLimit> fred_limits;
  std::string alpha_vantage_base_url;
  std::string alpha_vantage_api_key;  // empty: FRED alone
  std::vector<config::RateLimit> alpha_vantage_limits;
  std::size_t keep_latest = 12;  // newest observations read per answer
  EpochMs retry_ms = 900'000;
  std::size_t remember = 5'000;
};

class EconomyPoller {
 public:
  /// The chain holds FRED when its key is set, then Alpha Vantage when its key is set.
  EconomyPoller(EconomyPollerOptions options, std::uint64_t seed, EpochMs now);

  [[nodiscard]] bool enabled() const { return chain_.size() > 0; }

  struct Attempt {
    std::size_t series = 0;    // index in economic_series()
    std::size_t provider = 0;  // index in the chain
  };
  struct Due {
    Attempt attempt;
    httpclient::Request request;
  };
  /// The request to make now (taking a quota token), or nullopt.
  std::optional<Due> take_due(EpochMs now);
  /// Reads the answer to take_due's request, tells the gate, and keeps only
  /// the values not published before (now remembered).
  FetchResult complete(const Attempt& attempt, const Result<httpclient::Response>& answer, EpochMs now);
  [[nodiscard]] ProviderId provider(const Attempt& attempt) const { return chain_.gate(attempt.provider).provider(); }
  /// Marks an indicator id ("CPI:2024-05-01") as published.
  void remember(const std::string& id);

  [[nodiscard]] EpochMs next_due(EpochMs now) const;
  [[nodiscard]] std::vector<ProviderHealth> health(EpochMs now) const;
  [[nodiscard]] std::uint64_t duplicates() const { return duplicates_; }

 private:
  struct State {
    EpochMs due = 0;
    ProviderMask tried = 0;
  };
  EconomyPollerOptions options_;
  FailoverChain chain_;
  std::vector<State> states_;
  bool in_flight_ = false;
  RecentIds seen_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace st::ingest::providers
