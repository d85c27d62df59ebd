#include "stocktracker/redis/pool.hpp"

namespace st::redis {

Pool::Pool(Endpoint endpoint, std::size_t max_idle) : endpoint_(std::move(endpoint)), max_idle_(max_idle) {}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(std::move(client_));
}

Result<Pool::Lease> Pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Client c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
  }
  auto c = Client::connect(endpoint_.host, endpoint_.port, endpoint_.db, endpoint_.password, endpoint_.timeout);
  if (!c) return std::unexpected(c.error());
  return Lease(this, std::move(*c));
}

void Pool::release(Client client) {
  if (!client.ok()) return;  // closed by its destructor
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(client));
}

}  // namespace st::redis
