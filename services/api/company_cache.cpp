#include "company_cache.hpp"

#include "api_metrics.hpp"
#include "stocktracker/metrics/metrics.hpp"
#include "stocktracker/redis/pool.hpp"

namespace st::api {
namespace {

metrics::Counter& lookups(std::string_view result) {
  static auto& family = metrics::default_registry().counter(
      "stocktracker_cache_lookups_total", "Cache look-ups of the API by cache and result (memory, redis, miss).",
      {"cache", "result"});
  return family.with({"companies", result});
}

}  // namespace

CompanyCache::CompanyCache(redis::Pool* redis, const Clock& clock, Options options)
    : redis_(redis), clock_(clock), options_(options) {}

std::int64_t CompanyCache::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

Result<std::int64_t> CompanyCache::current_version(pg::Connection& conn) {
  const EpochMs now = clock_.now_ms();
  {
    std::lock_guard lock(mutex_);
    if (version_ >= 0 && now - checked_at_ < options_.version_check_interval.count()) return version_;
  }
  auto rows = conn.exec("SELECT version FROM cache_versions WHERE name = 'companies'");
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return fail(Errc::kInternal, "cache_versions has no companies row (migrate)");
  const std::int64_t version = rows->get_int(0, 0);
  std::lock_guard lock(mutex_);
  if (version != version_) memory_.clear();
  version_ = version;
  checked_at_ = now;
  return version;
}

Result<std::string> CompanyCache::get(pg::Connection& conn, const std::string& key,
                                      const std::function<Result<std::string>()>& load) {
  auto version = current_version(conn);
  if (!version) return std::unexpected(version.error());
  {
    std::lock_guard lock(mutex_);
    if (*version == version_) {
      if (auto it = memory_.find(key); it != memory_.end()) {
        lookups("memory").inc();
        return it->second;
      }
    }
  }
  const std::string redis_key = "cache:companies:v" + std::to_string(*version) + ":" + key;
  std::optional<std::string> value;
  if (redis_ != nullptr) {
    if (auto client = redis_->acquire()) {
      if (auto cached = (*client)->get(redis_key)) {
        value = std::move(*cached);
      } else {
        count_dependency_error(Dependency::kRedis);
      }
    } else {
      count_dependency_error(Dependency::kRedis);
    }
  }
  if (value) {
    lookups("redis").inc();
  } else {
    lookups("miss").inc();
    auto loaded = load();
    if (!loaded) return std::unexpected(loaded.error());
    value = std::move(*loaded);
    if (redis_ != nullptr) {
      auto client = redis_->acquire();
      if (!client || !(*client)->set(redis_key, *value, options_.redis_ttl)) count_dependency_error(Dependency::kRedis);
    }
  }
  std::lock_guard lock(mutex_);
  // Only under the version it was read for: a newer version may have
  // cleared the map meanwhile.
  if (*version == version_) {
    if (memory_.size() >= options_.max_memory_entries) memory_.clear();
    memory_.emplace(key, *value);
  }
  return std::move(*value);
}

}  // namespace st::api
