#pragma once
// Remembers which ticks were published, so a provider that answers the same
// bars or the same closing quote again does not republish them. A tick is
// identified by (symbol, source, ts). Memory is bounded: per (symbol,
// source) the last `capacity` times are kept; a tick at or before the newest
// time forgotten is taken as seen (so a forgotten tick is never published
// twice; the price is that a tick arriving very late, behind `capacity`
// newer ones, is dropped). Pure; one polling thread owns it.
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::ingest::providers {

class TickDedup {
 public:
  explicit TickDedup(std::size_t capacity = 2048) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// True the first time a (symbol, source, ts) is offered; it is then
  /// remembered. False for a duplicate.
  bool first_time(const model::PriceTick& tick);

 private:
  struct Seen {
    std::set<EpochMs> times;
    std::deque<EpochMs> order;  // insertion order, to forget the oldest
    std::optional<EpochMs> forgotten_up_to;  // a time at or before it counts as seen
  };
  std::size_t capacity_;
  std::map<std::pair<std::string, std::string>, Seen> seen_;
};

}  // namespace st::ingest::providers
