#include "backoff.hpp"

#include <algorithm>
#include <cmath>

namespace st::ingest::providers {

EpochMs Backoff::on_failure(EpochMs now, std::optional<EpochMs> retry_after_ms) {
  // base * 2^failures, without overflowing once the cap is reached.
  EpochMs ceiling = options_.base_ms;
  for (int i = 0; i < failures_ && ceiling < options_.cap_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, options_.cap_ms);
  ++failures_;
  const auto jittered = static_cast<EpochMs>(std::floor(rng_.uniform() * static_cast<double>(ceiling + 1)));
  const EpochMs wait = std::max(jittered, retry_after_ms.value_or(0));
  until_ = std::max(until_, now + wait);
  return until_;
}

}  // namespace st::ingest::providers
