#pragma once
// The hiredis driver: one synchronous connection. Not thread-safe; a
// service keeps one per thread or a small pool.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stocktracker/base/error.hpp"

namespace st::redis {

class Client {
 public:
  /// Connects and selects `db`; `password` empty means no AUTH.
  static Result<Client> connect(const std::string& host, int port, int db, const std::string& password,
                                std::chrono::milliseconds timeout);
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  Status ping();
  Result<std::optional<std::string>> get(std::string_view key);
  Status set(std::string_view key, std::string_view value, std::chrono::seconds ttl);

 private:
  Client() = default;
  struct Deleter {
    void operator()(void* ctx) const;
  };
  std::unique_ptr<void, Deleter> ctx_;  // redisContext*
};

}  // namespace st::redis
