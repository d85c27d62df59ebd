#pragma once
// When ingest asks Alpha Vantage's OVERVIEW for a company's metadata, and
// for which company. Only companies whose row in the companies table is
// incomplete (no sector, industry or exchange, or the symbol standing in for
// the name) or missing are asked about, in the caller's order, each at most
// once per `refresh_ms` (a week: metadata hardly changes, and OVERVIEW
// spends the same small Alpha Vantage quota as quotes), and never more than
// one request per `min_interval_ms`. A request that was rate limited or
// failed is not counted, so that company is asked again at the next turn.
// Pure, on an injected clock; one thread owns it.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "alpha_vantage_overview.hpp"
#include "failover.hpp"

namespace st::ingest::providers {

struct MetadataPollerOptions {
  std::string base_url;
  std::string api_key;  // secret: goes in the URL, so requests are never logged
  std::vector<config::RateLimit> limits;
  EpochMs refresh_ms = 7 * 86'400'000LL;
  EpochMs min_interval_ms = 3'600'000;
};

class MetadataPoller {
 public:
  MetadataPoller(MetadataPollerOptions options, std::uint64_t seed, EpochMs now);

  /// The companies whose metadata is wanted, in the order to ask them.
  void set_wanted(std::vector<std::string> symbols) { wanted_ = std::move(symbols); }

  struct Due {
    std::string symbol;
    httpclient::Request request;
  };
  std::optional<Due> take_due(EpochMs now);
  alpha_vantage::OverviewResult complete(const std::string& symbol, const Result<httpclient::Response>& answer,
                                         EpochMs now);

  [[nodiscard]] EpochMs next_due(EpochMs now) const { return in_flight_ ? now + 1'000 : std::max(now, due_); }
  [[nodiscard]] ProviderHealth health(EpochMs now) const { return gate_.health(now); }

 private:
  MetadataPollerOptions options_;
  ProviderGate gate_;
  std::vector<std::string> wanted_;
  std::unordered_map<std::string, EpochMs> asked_;  // symbol -> when it was last answered
  EpochMs due_;
  bool in_flight_ = false;
};

}  // namespace st::ingest::providers
