#include "failover.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace st::ingest::providers {

ProviderGate::ProviderGate(ProviderId provider, const GateOptions& options, std::uint64_t seed, EpochMs now)
    : provider_(provider), quota_(options.limits, now), backoff_(options.backoff, seed), breaker_(options.breaker) {}

bool ProviderGate::try_acquire(EpochMs now) {
  // Quota first and without taking: the breaker's probe must not be spent
  // on a request the quota then refuses.
  if (backoff_.waiting(now) || quota_.available(now) < 1 || !breaker_.would_allow(now)) return false;
  breaker_.allow(now);
  quota_.try_take(now);
  ++requests_;
  return true;
}

EpochMs ProviderGate::available_at(EpochMs now) const {
  return std::max({backoff_.until(), quota_.next_token_at(now), breaker_.available_at(now), now});
}

void ProviderGate::record(const FetchResult& result, EpochMs now) {
  switch (result.outcome) {
    case Outcome::kOk:
      breaker_.on_success();
      backoff_.on_success();
      last_success_ = now;
      last_error_.clear();
      return;
    case Outcome::kBadSymbol:
      // The provider answered sensibly: it is healthy.
      breaker_.on_success();
      backoff_.on_success();
      return;
    case Outcome::kRateLimited:
      // Alive but throttling: not a failure for the breaker, a wait for us.
      ++rate_limited_;
      breaker_.on_success();
      quota_.drain(result.scope, now);
      backoff_.on_failure(now, result.retry_after_ms);
      last_error_ = result.detail;
      return;
    case Outcome::kBadRequest:
    case Outcome::kServerError:
    case Outcome::kMalformed:
      ++failures_;
      breaker_.on_failure(now);
      backoff_.on_failure(now, result.retry_after_ms);
      last_error_ = result.detail;
      return;
  }
}

ProviderHealth ProviderGate::health(EpochMs now) const {
  return {.provider = provider_,
          .state = breaker_.state(),
          .quota_left = quota_.available(now),
          .quota_left_minute = quota_.available_for(60'000, now),
          .quota_left_day = quota_.available_for(86'400'000, now),
          .quota = quota_.describe(now),
          .backoff_until = backoff_.waiting(now) ? backoff_.until() : 0,
          .benched_until = breaker_.state() == BreakerState::kClosed ? 0 : breaker_.available_at(now),
          .last_success_ts = last_success_,
          .last_error = last_error_,
          .requests = requests_,
          .failures = failures_,
          .rate_limited = rate_limited_};
}

FailoverChain::FailoverChain(std::vector<ProviderGate> gates) : gates_(std::move(gates)) {
  if (gates_.size() > 32) throw std::invalid_argument("a failover chain holds at most 32 providers");
}

std::optional<std::size_t> FailoverChain::acquire(EpochMs now, ProviderMask tried) {
  for (std::size_t i = 0; i < gates_.size(); ++i) {
    if ((tried & (ProviderMask{1} << i)) == 0 && gates_[i].try_acquire(now)) return i;
  }
  return std::nullopt;
}

EpochMs FailoverChain::available_at(EpochMs now, ProviderMask tried) const {
  EpochMs earliest = std::numeric_limits<EpochMs>::max();
  for (std::size_t i = 0; i < gates_.size(); ++i) {
    if ((tried & (ProviderMask{1} << i)) == 0) earliest = std::min(earliest, gates_[i].available_at(now));
  }
  return earliest;
}

void FailoverChain::record(std::size_t index, const FetchResult& result, EpochMs now) {
  gates_[index].record(result, now);
}

ProviderMask FailoverChain::all() const {
  return gates_.size() >= 32 ? ~ProviderMask{0} : (ProviderMask{1} << gates_.size()) - 1;
}

double FailoverChain::per_day() const {
  double total = 0;
  for (const auto& g : gates_) total += g.per_day();
  return total;
}

}  // namespace st::ingest::providers
