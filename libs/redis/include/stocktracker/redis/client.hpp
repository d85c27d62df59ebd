#pragma once
// The hiredis driver: one synchronous connection. Not thread-safe; a
// service keeps one per thread or a small pool.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  /// GETDEL: the value and its removal in one step, so two callers can
  /// never both take the same value (single-use tokens).
  Result<std::optional<std::string>> getdel(std::string_view key);
  /// The number of keys removed (0 or 1).
  Result<std::int64_t> del(std::string_view key);
  Result<bool> exists(std::string_view key);

  /// A fixed-window counter: INCR, then EXPIRE ... NX (the window starts at
  /// the first hit and a lost EXPIRE is repaired by the next call), then
  /// TTL, in one round trip.
  struct Counter {
    std::int64_t count = 0;
    std::chrono::seconds ttl{0};  // until the window resets
  };
  Result<Counter> incr_with_expire(std::string_view key, std::chrono::seconds window);

  using Fields = std::vector<std::pair<std::string, std::string>>;
  /// Replaces the hash at `key` with `fields` and gives it a TTL, in one
  /// MULTI/EXEC: a reader sees the old hash or the new one, never a mix,
  /// and never one without its expiry.
  Status replace_hash(std::string_view key, const Fields& fields, std::chrono::seconds ttl);
  /// HGETALL: the fields of a hash (none when it does not exist).
  Result<Fields> hgetall(std::string_view key);
  /// The keys matching a glob pattern, by SCAN (never KEYS, which blocks
  /// the server); a key may appear twice if the keyspace is rehashed.
  Result<std::vector<std::string>> scan(std::string_view pattern);

  /// False once an I/O error has left the connection unusable.
  [[nodiscard]] bool ok() const;

 private:
  Client() = default;
  struct Deleter {
    void operator()(void* ctx) const;
  };
  std::unique_ptr<void, Deleter> ctx_;  // redisContext*
};

}  // namespace st::redis
