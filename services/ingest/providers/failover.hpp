#pragma once
// Which provider a request goes to. Each provider sits behind a gate that
// combines its quota (token buckets), its backoff (after 429/5xx/errors,
// honouring Retry-After) and its circuit breaker; the chain hands a request
// to the first provider, in the configured order, whose gate is open.
// Pure, on an injected clock; one polling thread owns it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backoff.hpp"
#include "circuit_breaker.hpp"
#include "provider.hpp"
#include "quota.hpp"

namespace st::ingest::providers {

struct GateOptions {
  std::vector<config::RateLimit> limits;
  BreakerOptions breaker{};
  BackoffOptions backoff{};
};

/// What the health log and GET /api/providers (through Redis) show of a provider.
struct ProviderHealth {
  ProviderId provider{};
  BreakerState state = BreakerState::kClosed;
  std::int64_t quota_left = 0;  // requests possible now
  std::optional<std::int64_t> quota_left_minute{};  // in its per-minute limit, if it has one
  std::optional<std::int64_t> quota_left_day{};     // in its per-day limit, if it has one
  std::string quota;            // "4/5 per minute, 20/25 per day"
  EpochMs backoff_until = 0;    // 0: not backing off
  EpochMs benched_until = 0;    // the breaker is open until then; 0: not benched
  EpochMs last_success_ts = 0;  // 0: never
  std::string last_error;       // empty: none since the last success
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::uint64_t rate_limited = 0;
};

class ProviderGate {
 public:
  ProviderGate(ProviderId provider, const GateOptions& options, std::uint64_t seed, EpochMs now);

  /// Takes the right to send one request now: not backing off, the breaker
  /// lets it through and every quota bucket has a token (which it takes).
  bool try_acquire(EpochMs now);
  /// The earliest time try_acquire can succeed.
  [[nodiscard]] EpochMs available_at(EpochMs now) const;
  /// Feeds the answer back: success closes the breaker and resets the
  /// backoff; a rate limit drains the quota it names and backs off; an
  /// error, a 5xx or an unreadable answer counts against the breaker and
  /// backs off. An unknown symbol says nothing about the provider's health.
  void record(const FetchResult& result, EpochMs now);

  [[nodiscard]] ProviderId provider() const { return provider_; }
  [[nodiscard]] double per_day() const { return quota_.per_day(); }
  [[nodiscard]] ProviderHealth health(EpochMs now) const;

 private:
  ProviderId provider_;
  Quota quota_;
  Backoff backoff_;
  CircuitBreaker breaker_;
  EpochMs last_success_ = 0;
  std::string last_error_;
  std::uint64_t requests_ = 0;
  std::uint64_t failures_ = 0;
  std::uint64_t rate_limited_ = 0;
};

/// A set of providers by index in the chain (bit i = provider i).
using ProviderMask = std::uint32_t;

class FailoverChain {
 public:
  /// In failover order: the first is asked first. At most 32 providers.
  explicit FailoverChain(std::vector<ProviderGate> gates);

  /// The first provider not in `tried` whose gate lets a request through
  /// now (taking its token), or nullopt.
  std::optional<std::size_t> acquire(EpochMs now, ProviderMask tried = 0);
  /// When a provider not in `tried` may next be acquired.
  [[nodiscard]] EpochMs available_at(EpochMs now, ProviderMask tried = 0) const;
  void record(std::size_t index, const FetchResult& result, EpochMs now);

  [[nodiscard]] std::size_t size() const { return gates_.size(); }
  [[nodiscard]] ProviderMask all() const;
  [[nodiscard]] const ProviderGate& gate(std::size_t index) const { return gates_[index]; }
  /// Requests a day all providers together allow.
  [[nodiscard]] double per_day() const;

 private:
  std::vector<ProviderGate> gates_;
};

}  // namespace st::ingest::providers
