#include "retry.hpp"

#include <algorithm>

namespace st::notify {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        std::optional<std::chrono::milliseconds> retry_after, double unit) {
  using std::chrono::milliseconds;
  // Doubling stops at the cap; 2^30 * base is past any sane max already.
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const auto uncapped = static_cast<double>(policy.base.count()) * static_cast<double>(std::int64_t{1} << doublings);
  const double ceiling = std::min(uncapped, static_cast<double>(policy.max.count()));
  const double jittered = ceiling / 2 + std::clamp(unit, 0.0, 1.0) * (ceiling / 2);
  milliseconds delay{static_cast<std::int64_t>(jittered)};
  if (retry_after) delay = std::max(delay, std::min(*retry_after, policy.max));
  return delay;
}

Verdict after_attempt(const RetryPolicy& policy, const Attempt& attempt, int attempt_number, double unit) {
  switch (attempt.result) {
    case AttemptResult::kSent:
      return {Verdict::Next::kSent, {}};
    case AttemptResult::kPermanent:
      return {Verdict::Next::kDead, {}};
    case AttemptResult::kTransient:
      if (attempt_number >= policy.max_attempts) return {Verdict::Next::kDead, {}};
      return {Verdict::Next::kRetry, backoff_delay(policy, attempt_number, attempt.retry_after, unit)};
  }
  return {Verdict::Next::kDead, {}};
}

Attempt classify_http_status(int status, std::optional<std::chrono::milliseconds> retry_after, std::string detail) {
  if (status >= 200 && status < 300) return {AttemptResult::kSent, {}, {}, {}};
  const bool transient = status == 429 || status == 408 || status >= 500 || status < 100;
  return {transient ? AttemptResult::kTransient : AttemptResult::kPermanent, std::move(detail),
          transient ? retry_after : std::nullopt, {}};
}

}  // namespace st::notify
