#include "tick_dedup.hpp"

#include <algorithm>

namespace st::ingest::providers {

bool TickDedup::first_time(const model::PriceTick& tick) {
  Seen& s = seen_[{tick.symbol, tick.source}];
  if (s.forgotten_up_to && tick.ts <= *s.forgotten_up_to) return false;
  if (!s.times.insert(tick.ts).second) return false;
  s.order.push_back(tick.ts);
  if (s.order.size() > capacity_) {
    const EpochMs oldest = s.order.front();
    s.order.pop_front();
    s.times.erase(oldest);
    s.forgotten_up_to = std::max(s.forgotten_up_to.value_or(oldest), oldest);
  }
  return true;
}

}  // namespace st::ingest::providers
