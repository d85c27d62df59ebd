#include "metadata_poller.hpp"

#include <algorithm>

namespace st::ingest::providers {

MetadataPoller::MetadataPoller(MetadataPollerOptions options, std::uint64_t seed, EpochMs now)
    : options_(std::move(options)),
      gate_(ProviderId::kAlphaVantage, GateOptions{.limits = options_.limits}, seed, now),
      due_(now) {}

std::optional<MetadataPoller::Due> MetadataPoller::take_due(EpochMs now) {
  if (in_flight_ || now < due_) return std::nullopt;
  const auto next = std::find_if(wanted_.begin(), wanted_.end(), [&](const std::string& s) {
    const auto it = asked_.find(s);
    return it == asked_.end() || now >= it->second + options_.refresh_ms;
  });
  if (next == wanted_.end()) {
    due_ = now + options_.min_interval_ms;  // nothing wanted now: look again later (the list is reloaded)
    return std::nullopt;
  }
  if (!gate_.try_acquire(now)) {
    due_ = std::max(now + 1, gate_.available_at(now));
    return std::nullopt;
  }
  in_flight_ = true;
  return Due{.symbol = *next, .request = alpha_vantage::overview_request(options_.base_url, options_.api_key, *next)};
}

alpha_vantage::OverviewResult MetadataPoller::complete(const std::string& symbol,
                                                       const Result<httpclient::Response>& answer, EpochMs now) {
  in_flight_ = false;
  auto result = answer ? alpha_vantage::read_overview(*answer, symbol, now)
                       : alpha_vantage::OverviewResult{transport_failure(ProviderId::kAlphaVantage, answer.error()),
                                                       std::nullopt};
  gate_.record(result.fetch, now);
  due_ = std::max(now + options_.min_interval_ms, gate_.available_at(now));
  // An answer about the company (even "unknown symbol", or one we cannot
  // read: asking again within the hour would not do better) counts as asked;
  // a rate limit or a failure says nothing about it.
  const Outcome o = result.fetch.outcome;
  if (o == Outcome::kOk || o == Outcome::kBadSymbol || o == Outcome::kMalformed) asked_[symbol] = now;
  return result;
}

}  // namespace st::ingest::providers
