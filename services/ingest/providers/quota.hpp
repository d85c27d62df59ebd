#pragma once
// Request quotas as token buckets, on an injected clock (every call takes
// `now`), in exact integer arithmetic so tests can count to the last token.
// Pure; not thread-safe (one polling thread owns them).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "provider.hpp"
#include "stocktracker/base/clock.hpp"
#include "stocktracker/config/settings.hpp"

namespace st::ingest::providers {

/// `capacity` requests per `window_ms`, refilled continuously (one token
/// every window/capacity ms), starting full: a burst of `capacity` is
/// allowed, a steady rate above capacity/window is not.
class TokenBucket {
 public:
  TokenBucket(std::int64_t capacity, EpochMs window_ms, EpochMs now);

  /// Takes one token if there is one.
  bool try_take(EpochMs now);
  /// Whole tokens available at `now`.
  [[nodiscard]] std::int64_t available(EpochMs now) const;
  /// When the next token is there (`now` if one is).
  [[nodiscard]] EpochMs next_token_at(EpochMs now) const;
  /// Empties the bucket: the provider said the quota is spent.
  void drain(EpochMs now);

  [[nodiscard]] std::int64_t capacity() const { return capacity_; }
  [[nodiscard]] EpochMs window_ms() const { return window_ms_; }

 private:
  [[nodiscard]] std::int64_t level_at(EpochMs now) const;
  // One token is window_ms_ units; each millisecond adds capacity_ units.
  std::int64_t capacity_;
  EpochMs window_ms_;
  std::int64_t level_;
  EpochMs at_;
};

/// Every limit of one provider (per minute, per hour, per day, ...): a
/// request needs a token from each.
class Quota {
 public:
  Quota(const std::vector<config::RateLimit>& limits, EpochMs now);

  bool try_take(EpochMs now);
  /// Requests possible at `now` (the tightest bucket).
  [[nodiscard]] std::int64_t available(EpochMs now) const;
  [[nodiscard]] EpochMs next_token_at(EpochMs now) const;
  /// Empties the buckets a rate-limit answer speaks of: kMinute the ones of
  /// a minute or less, kDay all of them, kUnknown none (backoff alone).
  void drain(RateLimitScope scope, EpochMs now);
  /// Requests left in the buckets of exactly `window_ms` (a minute, a day),
  /// the tightest of them; nullopt when no limit has that window.
  [[nodiscard]] std::optional<std::int64_t> available_for(EpochMs window_ms, EpochMs now) const;
  /// Requests a day the limits allow (the tightest, scaled to a day).
  [[nodiscard]] double per_day() const;
  /// "4/5 per minute, 20/25 per day" at `now`, for logs.
  [[nodiscard]] std::string describe(EpochMs now) const;

 private:
  std::vector<TokenBucket> buckets_;
};

}  // namespace st::ingest::providers
