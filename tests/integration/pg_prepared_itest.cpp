// Connection::exec_prepared (libs/pg) against the real PostgreSQL: a
// statement is prepared once per connection and run by name after; it is
// prepared again when the server dropped it (DEALLOCATE ALL) and on the new
// connection the pool makes after the old one was killed; Plan::kGeneric
// runs the generic plan without leaving plan_cache_mode changed.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.hpp"
#include "stocktracker/pg/pool.hpp"

namespace st::itest {
namespace {

constexpr const char* kSql = "SELECT $1::bigint * 2";

std::string database_url() {
  const char* url = std::getenv("DATABASE_URL");
  return url != nullptr ? url : "postgresql://stocktracker:stocktracker@127.0.0.1:5432/stocktracker";
}

std::int64_t prepared_count(pg::Connection& conn) {
  return query_int(conn, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {std::string(kSql)});
}

std::int64_t doubled(pg::Connection& conn, std::int64_t v, pg::Connection::Plan plan = pg::Connection::Plan::kAuto) {
  auto rows = conn.exec_prepared(kSql, {std::to_string(v)}, plan);
  if (!rows) {
    ADD_FAILURE() << rows.error().message;
    return -1;
  }
  return rows->get_int(0, 0);
}

TEST(PgPrepared, PreparesOncePerConnectionAndAgainWhenTheServerDroppedIt) {
  auto conn = db();
  EXPECT_EQ(prepared_count(conn), 0);
  EXPECT_EQ(doubled(conn, 21), 42);
  EXPECT_EQ(doubled(conn, 5), 10);
  EXPECT_EQ(prepared_count(conn), 1);  // the second call reused it
  ASSERT_TRUE(conn.exec_script("DEALLOCATE ALL"));
  EXPECT_EQ(doubled(conn, 7), 14);
  EXPECT_EQ(prepared_count(conn), 1);
  // A bad parameter is the caller's error, not a reason to prepare again.
  auto bad = conn.exec_prepared(kSql, {std::string("x")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalidInput);
  EXPECT_EQ(doubled(conn, 8), 16);
  EXPECT_EQ(prepared_count(conn), 1);
}

TEST(PgPrepared, ForcedGenericPlanLeavesTheSessionSettingAlone) {
  auto conn = db();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(doubled(conn, i, pg::Connection::Plan::kGeneric), 2 * i);
  EXPECT_EQ(query_int(conn, "SELECT generic_plans FROM pg_prepared_statements WHERE statement = $1",
                      {std::string(kSql)}),
            3);
  auto mode = conn.exec("SHOW plan_cache_mode");
  ASSERT_TRUE(mode);
  EXPECT_EQ(mode->get(0, 0), "auto");
  // An error inside the statement's own transaction leaves none open.
  ASSERT_FALSE(conn.exec_prepared(kSql, {std::string("x")}, pg::Connection::Plan::kGeneric));
  EXPECT_EQ(doubled(conn, 4), 8);
  auto savepoint = conn.exec("SAVEPOINT s");  // 25P01 only outside a transaction block
  ASSERT_FALSE(savepoint);
  EXPECT_NE(savepoint.error().message.find("25P01"), std::string::npos) << savepoint.error().message;
  // Prepared again when the server dropped it, as with kAuto.
  ASSERT_TRUE(conn.exec_script("DEALLOCATE ALL"));
  EXPECT_EQ(doubled(conn, 9, pg::Connection::Plan::kGeneric), 18);
}

TEST(PgPrepared, ForcedGenericPlanPassesValuesUnchanged) {
  // Both paths bind the values as parameters (never spliced into SQL
  // text): quotes, backslashes and NULL arrive as they were.
  auto conn = db();
  const std::string odd = "it's a \\ back'slash\\' and \"quote\" ; DROP TABLE x; --";
  for (const auto plan : {pg::Connection::Plan::kAuto, pg::Connection::Plan::kGeneric}) {
    auto rows = conn.exec_prepared("SELECT $1::text, $2::text IS NULL, $3::bigint + 1", {odd, std::nullopt, "41"}, plan);
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(rows->get(0, 0), odd);
    EXPECT_EQ(rows->get(0, 1), "t");
    EXPECT_EQ(rows->get_int(0, 2), 42);
  }
}

TEST(PgPrepared, PreparesAgainOnTheConnectionThePoolMakesAfterAReconnect) {
  pg::Pool pool(database_url(), 1);
  auto killer = db();
  std::int64_t first_pid = 0;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease) << lease.error().message;
    EXPECT_EQ(doubled(**lease, 1), 2);
    first_pid = query_int(**lease, "SELECT pg_backend_pid()");
    ASSERT_EQ(query_int(killer, "SELECT pg_terminate_backend($1::int)::int", {std::to_string(first_pid)}), 1);
    auto broken = (*lease)->exec_prepared(kSql, {std::string("3")});
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, Errc::kUnavailable);
  }
  auto lease = pool.acquire();  // the broken connection is replaced
  ASSERT_TRUE(lease) << lease.error().message;
  EXPECT_NE(query_int(**lease, "SELECT pg_backend_pid()"), first_pid);
  EXPECT_EQ(prepared_count(**lease), 0);
  EXPECT_EQ(doubled(**lease, 3), 6);
  EXPECT_EQ(prepared_count(**lease), 1);
}

}  // namespace
}  // namespace st::itest
