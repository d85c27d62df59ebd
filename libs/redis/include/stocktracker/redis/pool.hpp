#pragma once
// Connections shared by a service's threads (the API's handlers). A lease
// connects when no idle connection is left, so the pool never blocks a
// caller; at most `max_idle` connections are kept for reuse, and one left
// broken by an I/O error is dropped. When Redis is down, acquire() fails
// fast (kUnavailable) and callers decide whether to fail open or closed.
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "stocktracker/redis/client.hpp"

namespace st::redis {

struct Endpoint {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string password;  // empty: no AUTH
  std::chrono::milliseconds timeout{500};
};

class Pool {
 public:
  Pool(Endpoint endpoint, std::size_t max_idle);

  class Lease {
   public:
    Lease(Pool* pool, Client client) : pool_(pool), client_(std::move(client)) {}
    Lease(Lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), client_(std::move(o.client_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Client* operator->() { return &client_; }
    Client& operator*() { return client_; }

   private:
    Pool* pool_;
    Client client_;
  };

  Result<Lease> acquire();

 private:
  void release(Client client);
  Endpoint endpoint_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<Client> idle_;
};

}  // namespace st::redis
