// The company cache (services/api/company_cache.hpp) against the real
// PostgreSQL and Redis: two caches stand for two API processes; a miss is
// loaded once and shared through Redis; a change to companies made with
// plain SQL (the version trigger) reaches both within the check interval.
#include <gtest/gtest.h>

#include <thread>

#include "company_cache.hpp"
#include "harness.hpp"
#include "stocktracker/redis/pool.hpp"

namespace st::itest {
namespace {

using namespace std::chrono_literals;

redis::Endpoint redis_endpoint() {
  const char* url = std::getenv("REDIS_URL");
  std::string u = url != nullptr ? url : "redis://127.0.0.1:6379/0";
  // redis://host:port/db as scripts/env.sh sets it (no password locally).
  u = u.substr(u.find("://") + 3);
  const auto colon = u.find(':');
  const auto slash = u.find('/');
  return {u.substr(0, colon), std::stoi(u.substr(colon + 1, slash - colon - 1)), 0, "", 500ms};
}

TEST(CompanyCache, SharesLoadsThroughRedisAndSeesSqlChangesWithinTheInterval) {
  ASSERT_EQ(run({"migrate"}), 0);
  const std::string tag = unique_tag();
  const std::string symbol = "CC" + tag;
  auto conn = db();
  redis::Pool redis(redis_endpoint(), 2);
  const api::CompanyCache::Options options{200ms, 60s, 100};
  api::CompanyCache first(&redis, SystemClock::instance(), options);
  api::CompanyCache second(&redis, SystemClock::instance(), options);

  int loads = 0;
  const auto load = [&]() -> Result<std::string> {
    ++loads;
    return std::to_string(query_int(conn, "SELECT count(*) FROM companies WHERE symbol = $1", {symbol}));
  };
  std::string key;
  // Other tests add and remove companies at any time, and each change is a
  // new version (a new key): the sharing is checked on a round in which
  // the version held still.
  bool checked = false;
  for (int round = 0; round < 5 && !checked; ++round) {
    key = "itest:" + tag + ":" + std::to_string(round);
    loads = 0;
    auto a = first.get(conn, key, load);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(*a, "0");
    EXPECT_EQ(*first.get(conn, key, load), "0");   // memory
    EXPECT_EQ(*second.get(conn, key, load), "0");  // Redis, written by the first
    if (first.version() != second.version()) continue;
    EXPECT_EQ(loads, 1);
    checked = true;
  }
  EXPECT_TRUE(checked) << "the companies version changed in every round";

  const auto version = first.version();
  ASSERT_TRUE(conn.exec("INSERT INTO companies (symbol, name, sector) VALUES ($1, 'Cache test', 'Test')", {symbol}));
  EXPECT_GT(query_int(conn, "SELECT version FROM cache_versions WHERE name = 'companies'"), version);
  // Within the interval the old answer may still be served; after it, both
  // caches have moved to the new version and load the new answer once.
  std::this_thread::sleep_for(options.version_check_interval + 50ms);
  EXPECT_EQ(*first.get(conn, key, load), "1");
  EXPECT_EQ(*second.get(conn, key, load), "1");
  EXPECT_GT(first.version(), version);

  ASSERT_TRUE(conn.exec("DELETE FROM companies WHERE symbol = $1", {symbol}));
  std::this_thread::sleep_for(options.version_check_interval + 50ms);
  EXPECT_EQ(*second.get(conn, key, load), "0");

  // A failed load is returned and not cached.
  const auto failing = []() -> Result<std::string> { return fail(Errc::kUnavailable, "down"); };
  EXPECT_FALSE(first.get(conn, key + ":failing", failing));
  EXPECT_EQ(*first.get(conn, key + ":failing", load), "0");
}

TEST(CompanyCache, WorksWithoutRedis) {
  ASSERT_EQ(run({"migrate"}), 0);
  auto conn = db();
  redis::Pool dead({"127.0.0.1", 1, 0, "", 100ms}, 1);  // nothing listens on port 1
  api::CompanyCache cache(&dead, SystemClock::instance());
  int loads = 0;
  const auto load = [&]() -> Result<std::string> {
    ++loads;
    return std::string("x");
  };
  const std::string key = "itest:noredis:" + unique_tag();
  EXPECT_EQ(*cache.get(conn, key, load), "x");
  EXPECT_EQ(*cache.get(conn, key, load), "x");
  EXPECT_EQ(loads, 1);  // the memory layer still works
}

}  // namespace
}  // namespace st::itest
