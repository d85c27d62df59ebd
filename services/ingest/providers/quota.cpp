#include "quota.hpp"

#include <algorithm>
#include <limits>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kMinuteMs = 60'000;
constexpr EpochMs kHourMs = 3'600'000;
constexpr EpochMs kDayMs = 86'400'000;

std::string window_name(EpochMs window_ms) {
  if (window_ms == kMinuteMs) return "minute";
  if (window_ms == kHourMs) return "hour";
  if (window_ms == kDayMs) return "day";
  return std::to_string(window_ms) + " ms";
}

}  // namespace

TokenBucket::TokenBucket(std::int64_t capacity, EpochMs window_ms, EpochMs now)
    : capacity_(std::max<std::int64_t>(capacity, 1)),
      window_ms_(std::max<EpochMs>(window_ms, 1)),
      level_(capacity_ * window_ms_),
      at_(now) {}

std::int64_t TokenBucket::level_at(EpochMs now) const {
  const std::int64_t full = capacity_ * window_ms_;
  // A clock that went back refills nothing; a long pause refills at most a
  // full bucket (and the product cannot overflow).
  const EpochMs elapsed = std::clamp<EpochMs>(now - at_, 0, window_ms_);
  return std::min(full, level_ + elapsed * capacity_);
}

bool TokenBucket::try_take(EpochMs now) {
  const std::int64_t level = level_at(now);
  if (level < window_ms_) return false;
  level_ = level - window_ms_;
  at_ = std::max(at_, now);
  return true;
}

std::int64_t TokenBucket::available(EpochMs now) const { return level_at(now) / window_ms_; }

EpochMs TokenBucket::next_token_at(EpochMs now) const {
  const std::int64_t level = level_at(now);
  if (level >= window_ms_) return now;
  return now + (window_ms_ - level + capacity_ - 1) / capacity_;
}

void TokenBucket::drain(EpochMs now) {
  level_ = 0;
  at_ = std::max(at_, now);
}

Quota::Quota(const std::vector<config::RateLimit>& limits, EpochMs now) {
  for (const auto& l : limits) buckets_.emplace_back(l.count, l.window_ms, now);
}

bool Quota::try_take(EpochMs now) {
  for (const auto& b : buckets_) {
    if (b.available(now) < 1) return false;
  }
  for (auto& b : buckets_) b.try_take(now);
  return true;
}

std::int64_t Quota::available(EpochMs now) const {
  std::int64_t least = std::numeric_limits<std::int64_t>::max();
  for (const auto& b : buckets_) least = std::min(least, b.available(now));
  return least;
}

std::optional<std::int64_t> Quota::available_for(EpochMs window_ms, EpochMs now) const {
  std::optional<std::int64_t> least;
  for (const auto& b : buckets_) {
    if (b.window_ms() == window_ms) least = std::min(least.value_or(b.available(now)), b.available(now));
  }
  return least;
}

EpochMs Quota::next_token_at(EpochMs now) const {
  EpochMs at = now;
  for (const auto& b : buckets_) at = std::max(at, b.next_token_at(now));
  return at;
}

void Quota::drain(RateLimitScope scope, EpochMs now) {
  for (auto& b : buckets_) {
    switch (scope) {
      case RateLimitScope::kMinute:
        if (b.window_ms() <= kMinuteMs) b.drain(now);
        break;
      case RateLimitScope::kDay:
        b.drain(now);
        break;
      case RateLimitScope::kUnknown:
        break;
    }
  }
}

double Quota::per_day() const {
  double least = std::numeric_limits<double>::infinity();
  for (const auto& b : buckets_) {
    least = std::min(least, static_cast<double>(b.capacity()) * static_cast<double>(kDayMs) /
                                static_cast<double>(b.window_ms()));
  }
  return least;
}

std::string Quota::describe(EpochMs now) const {
  std::string out;
  for (const auto& b : buckets_) {
    if (!out.empty()) out += ", ";
    out += std::to_string(b.available(now)) + "/" + std::to_string(b.capacity()) + " per " + window_name(b.window_ms());
  }
  return out.empty() ? "unlimited" : out;
}

}  // namespace st::ingest::providers
