#include "stocktracker/pg/pool.hpp"

namespace st::pg {

Pool::Pool(std::string url, std::size_t size) : url_(std::move(url)), size_(size == 0 ? 1 : size) {}

Pool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(std::move(conn_));
}

Result<Pool::Lease> Pool::acquire() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      Connection c = std::move(idle_.back());
      idle_.pop_back();
      if (c.ok()) return Lease(this, std::move(c));
      --created_;  // broken: drop it and make a new one below
    }
    if (created_ < size_) {
      ++created_;
      lock.unlock();
      auto c = Connection::connect(url_);
      if (!c) {
        std::lock_guard relock(mutex_);
        --created_;
        cv_.notify_one();
        return std::unexpected(c.error());
      }
      return Lease(this, std::move(*c));
    }
    cv_.wait(lock);
  }
}

void Pool::release(Connection conn) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

}  // namespace st::pg
