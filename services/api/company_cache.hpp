#pragma once
// The company list and company look-ups, cached in memory and in Redis
// under the version of the companies table (cache_versions, bumped by a
// trigger on every change: migrations/0004_cache_versions.sql).
//
// A request reads the version from PostgreSQL at most once per
// `version_check_interval` per process; a new version drops the memory
// cache, and Redis keys carry the version, so every API process moves to
// fresh entries together and old ones expire by their TTL. A company
// change is therefore visible within the interval (1 s by default), even
// when it was made with plain SQL. Redis is optional on this path: when it
// fails the answer comes from PostgreSQL (and the error is counted).
//
// Thread-safe: handlers on the server's threads share one instance.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::redis {
class Pool;
}

namespace st::api {

class CompanyCache {
 public:
  struct Options {
    std::chrono::milliseconds version_check_interval{1000};
    std::chrono::seconds redis_ttl{300};
    std::size_t max_memory_entries = 4096;  // past it the memory cache starts over
  };

  /// `redis` may be null (memory only).
  CompanyCache(redis::Pool* redis, const Clock& clock, Options options);
  CompanyCache(redis::Pool* redis, const Clock& clock) : CompanyCache(redis, clock, Options{}) {}

  /// The cached value of `key`, else `load()`'s, which is then cached.
  /// `conn` reads the version. A load error is returned and not cached.
  Result<std::string> get(pg::Connection& conn, const std::string& key,
                          const std::function<Result<std::string>()>& load);

  /// The companies version this process last read (tests).
  [[nodiscard]] std::int64_t version() const;

 private:
  /// The current version, re-read when the last read is older than the
  /// interval; drops the memory cache when it changed.
  Result<std::int64_t> current_version(pg::Connection& conn);

  redis::Pool* redis_;
  const Clock& clock_;
  Options options_;
  mutable std::mutex mutex_;
  std::int64_t version_ = -1;
  EpochMs checked_at_ = 0;
  std::unordered_map<std::string, std::string> memory_;
};

}  // namespace st::api
