#include "circuit_breaker.hpp"

namespace st::ingest::providers {

bool CircuitBreaker::would_allow(EpochMs now) const {
  switch (state_) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      return now >= opened_at_ + options_.cool_down_ms;
    case BreakerState::kHalfOpen:
      return !probe_out_;
  }
  return false;
}

bool CircuitBreaker::allow(EpochMs now) {
  if (!would_allow(now)) return false;
  if (state_ != BreakerState::kClosed) {
    state_ = BreakerState::kHalfOpen;
    probe_out_ = true;
  }
  return true;
}

EpochMs CircuitBreaker::available_at(EpochMs now) const {
  if (would_allow(now)) return now;
  // Open and cooling down, or half-open with the probe still out (its
  // answer decides; until then, a cool-down is the honest guess).
  return state_ == BreakerState::kOpen ? opened_at_ + options_.cool_down_ms : now + options_.cool_down_ms;
}

void CircuitBreaker::on_success() {
  state_ = BreakerState::kClosed;
  failures_ = 0;
  probe_out_ = false;
}

void CircuitBreaker::on_failure(EpochMs now) {
  ++failures_;
  if (state_ == BreakerState::kHalfOpen || failures_ >= options_.failure_threshold) {
    state_ = BreakerState::kOpen;
    opened_at_ = now;
    probe_out_ = false;
  }
}

}  // namespace st::ingest::providers
