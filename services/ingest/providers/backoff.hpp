#pragma once
// Exponential backoff with full jitter (the wait after the n-th consecutive
// failure is uniform in [0, min(cap, base * 2^n)]), honouring a server's
// Retry-After as a floor. Seeded, on an injected clock: tests replay it.
#include <cstdint>
#include <optional>

#include "simulator.hpp"  // Rng: SplitMix64, reproducible on every library
#include "stocktracker/base/clock.hpp"

namespace st::ingest::providers {

struct BackoffOptions {
  EpochMs base_ms = 1'000;
  EpochMs cap_ms = 300'000;
};

class Backoff {
 public:
  Backoff(BackoffOptions options, std::uint64_t seed) : options_(options), rng_(seed) {}

  /// Records a failure at `now` and returns until when to wait; a
  /// Retry-After (`retry_after_ms` from now) is never cut short.
  EpochMs on_failure(EpochMs now, std::optional<EpochMs> retry_after_ms = std::nullopt);
  void on_success() { failures_ = 0; }

  /// Whether `now` is still inside the last wait.
  [[nodiscard]] bool waiting(EpochMs now) const { return now < until_; }
  [[nodiscard]] EpochMs until() const { return until_; }
  [[nodiscard]] int failures() const { return failures_; }

 private:
  BackoffOptions options_;
  Rng rng_;
  int failures_ = 0;
  EpochMs until_ = 0;
};

}  // namespace st::ingest::providers
