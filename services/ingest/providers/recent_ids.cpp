#include "recent_ids.hpp"

namespace st::ingest::providers {

bool RecentIds::insert(const std::string& id) {
  if (!ids_.insert(id).second) return false;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace st::ingest::providers
