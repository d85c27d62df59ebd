#include "economy_poller.hpp"

#include <algorithm>

#include "alpha_vantage_economy.hpp"
#include "fred.hpp"

namespace st::ingest::providers {
namespace {

std::vector<ProviderGate> economy_gates(const EconomyPollerOptions& o, std::uint64_t seed, EpochMs now) {
  std::vector<ProviderGate> gates;
  if (!o.fred_api_key.empty()) gates.emplace_back(ProviderId::kFred, GateOptions{.limits = o.fred_limits}, seed, now);
  if (!o.alpha_vantage_api_key.empty()) {
    gates.emplace_back(ProviderId::kAlphaVantage, GateOptions{.limits = o.alpha_vantage_limits}, seed + 1, now);
  }
  return gates;
}

}  // namespace

EconomyPoller::EconomyPoller(EconomyPollerOptions options, std::uint64_t seed, EpochMs now)
    : options_(std::move(options)),
      chain_(economy_gates(options_, seed, now)),
      states_(economic_series().size(), State{.due = now}),
      seen_(options_.remember) {}

void EconomyPoller::remember(const std::string& id) { seen_.insert(id); }

std::optional<EconomyPoller::Due> EconomyPoller::take_due(EpochMs now) {
  if (in_flight_ || !enabled()) return std::nullopt;
  const auto series = economic_series();
  for (std::size_t i = 0; i < states_.size(); ++i) {
    State& s = states_[i];
    if (now < s.due) continue;
    const auto provider = chain_.acquire(now, s.tried);
    if (!provider) {
      // Every untried provider is shut for now: wait for the first to open,
      // or, when all were tried this cycle, for the retry.
      if ((s.tried & chain_.all()) == chain_.all()) {
        s.tried = 0;
        s.due = now + options_.retry_ms;
      } else {
        s.due = std::max(now + 1, chain_.available_at(now, s.tried));
      }
      continue;
    }
    in_flight_ = true;
    const EconomicSeries& row = series[i];
    httpclient::Request request;
    switch (chain_.gate(*provider).provider()) {
      case ProviderId::kFred:
        request = fred::observations_request(options_.fred_base_url, options_.fred_api_key, row, options_.keep_latest);
        break;
      case ProviderId::kAlphaVantage:
        request = alpha_vantage::economic_request(options_.alpha_vantage_base_url, options_.alpha_vantage_api_key, row);
        break;
      case ProviderId::kYahoo:
      case ProviderId::kNewsApi:
        break;  // never in this chain (economy_gates)
    }
    return Due{.attempt = {.series = i, .provider = *provider}, .request = std::move(request)};
  }
  return std::nullopt;
}

FetchResult EconomyPoller::complete(const Attempt& attempt, const Result<httpclient::Response>& answer, EpochMs now) {
  in_flight_ = false;
  const EconomicSeries& row = economic_series()[attempt.series];
  const ProviderId provider = chain_.gate(attempt.provider).provider();
  FetchResult result;
  if (!answer) {
    result = transport_failure(provider, answer.error());
  } else if (provider == ProviderId::kFred) {
    result = fred::read_observations(*answer, row, options_.keep_latest, now);
  } else {
    result = alpha_vantage::read_economic(*answer, row, options_.keep_latest, now);
  }
  chain_.record(attempt.provider, result, now);
  State& s = states_[attempt.series];
  if (result.outcome != Outcome::kOk) {
    s.tried |= ProviderMask{1} << attempt.provider;
    s.due = now;  // the next provider at once; take_due decides when none is left
    return result;
  }
  s.tried = 0;
  s.due = now + row.poll_every_ms;
  duplicates_ += seen_.keep_first_seen(result.indicators);
  return result;
}

EpochMs EconomyPoller::next_due(EpochMs now) const {
  if (in_flight_) return now + 1'000;
  EpochMs next = now + 86'400'000;
  for (const auto& s : states_) next = std::min(next, s.due);
  return std::max(now, next);
}

std::vector<ProviderHealth> EconomyPoller::health(EpochMs now) const {
  std::vector<ProviderHealth> out;
  for (std::size_t i = 0; i < chain_.size(); ++i) out.push_back(chain_.gate(i).health(now));
  return out;
}

}  // namespace st::ingest::providers
