#pragma once
// A fixed-size pool of connections shared by a service's threads. A
// connection found broken is replaced on its next lease.
#include <condition_variable>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

#include "stocktracker/pg/connection.hpp"

namespace st::pg {

class Pool {
 public:
  Pool(std::string url, std::size_t size);

  /// A leased connection, returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Pool* pool, Connection conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Connection* operator->() { return &conn_; }
    Connection& operator*() { return conn_; }

   private:
    Pool* pool_;
    Connection conn_;
  };

  /// Waits for a free connection (connecting if needed).
  Result<Lease> acquire();

 private:
  void release(Connection conn);
  std::string url_;
  std::size_t size_;
  std::size_t created_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Connection> idle_;
};

}  // namespace st::pg
