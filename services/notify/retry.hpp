#pragma once
// When a failed delivery is tried again: exponential backoff with jitter,
// never sooner than a server's Retry-After, and dead after the last attempt.
// Pure: the random draw is a parameter, so tests pin it.
#include <chrono>
#include <cstdint>
#include <optional>

#include "channel.hpp"

namespace st::notify {

struct RetryPolicy {
  int max_attempts = 8;
  std::chrono::milliseconds base{2000};  // the ceiling of the first retry's delay
  std::chrono::milliseconds max{3'600'000};
};

/// What becomes of a notifications row after an attempt.
struct Verdict {
  enum class Next : std::uint8_t { kSent, kRetry, kDead } next = Next::kSent;
  std::chrono::milliseconds delay{0};  // with kRetry: from now until the next attempt
  bool operator==(const Verdict&) const = default;
};

/// The delay after failed attempt number `attempt` (1-based): uniform in
/// [ceiling/2, ceiling] with ceiling = min(max, base * 2^(attempt-1))
/// ("equal jitter": spread out, never zero), then at least `retry_after`
/// (itself capped at `max`). `unit` is a uniform draw in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        std::optional<std::chrono::milliseconds> retry_after, double unit);

/// sent -> kSent; permanent, or transient at the last attempt -> kDead;
/// transient before it -> kRetry after backoff_delay().
Verdict after_attempt(const RetryPolicy& policy, const Attempt& attempt, int attempt_number, double unit);

}  // namespace st::notify
