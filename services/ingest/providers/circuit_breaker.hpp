#pragma once
// A circuit breaker per provider, on an injected clock: closed (requests
// flow) -> open after `failure_threshold` consecutive failures (no requests:
// the provider is benched) -> half-open once `cool_down_ms` has passed (one
// probe request) -> closed when the probe succeeds, open again for another
// cool-down when it fails. Pure; one polling thread owns it.
#include <array>
#include <string_view>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::ingest::providers {

enum class BreakerState { kClosed, kOpen, kHalfOpen };
}  // namespace st::ingest::providers

template <>
struct st::model::EnumNames<st::ingest::providers::BreakerState> {
  static constexpr std::array<std::string_view, 3> kNames{"closed", "open", "half_open"};
};

namespace st::ingest::providers {

struct BreakerOptions {
  int failure_threshold = 5;
  EpochMs cool_down_ms = 60'000;
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(BreakerOptions options) : options_(options) {}

  /// Whether a request may go now; when open and cooled down this turns the
  /// breaker half-open and lets this one request through as the probe.
  bool allow(EpochMs now);
  /// What allow() would answer, without changing anything.
  [[nodiscard]] bool would_allow(EpochMs now) const;
  /// The earliest time allow() can say yes (`now` when it would now).
  [[nodiscard]] EpochMs available_at(EpochMs now) const;

  void on_success();
  void on_failure(EpochMs now);

  /// kOpen also while cooled down, until a probe is let through.
  [[nodiscard]] BreakerState state() const { return state_; }
  [[nodiscard]] int consecutive_failures() const { return failures_; }

 private:
  BreakerOptions options_;
  BreakerState state_ = BreakerState::kClosed;
  int failures_ = 0;
  EpochMs opened_at_ = 0;
  bool probe_out_ = false;
};

}  // namespace st::ingest::providers
