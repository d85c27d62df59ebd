#pragma once
// The ids a poller has published, so that a repeated answer, an overlap or a
// failover to another provider does not publish the same item twice. Bounded:
// the oldest id is forgotten once `capacity` are held. Not thread-safe: one
// poller owns it.
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

namespace st::ingest::providers {

class RecentIds {
 public:
  explicit RecentIds(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}

  /// True the first time `id` is seen; it is remembered from then on.
  bool insert(const std::string& id);

  /// Drops the items (anything with an `id`) seen before, in order, and
  /// remembers the others; returns how many were dropped.
  template <class Item>
  std::size_t keep_first_seen(std::vector<Item>& items) {
    return std::erase_if(items, [this](const Item& item) { return !insert(item.id); });
  }

 private:
  std::size_t capacity_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace st::ingest::providers
