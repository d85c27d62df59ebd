// `store` killed with SIGKILL three times while 100,000 ticks flow: the rows
// in PostgreSQL equal the ticks produced, none lost, none twice.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "harness.hpp"

namespace st::itest {

TEST(StoreCrash, ThreeSigkillsDuringAHundredThousandTicksLoseAndDuplicateNothing) {
  ASSERT_EQ(run({"migrate"}), 0);
  ASSERT_EQ(run({"topics"}), 0);
  const std::string tag = unique_tag();
  const std::string symbols = "KC" + tag + "A,KC" + tag + "B,KC" + tag + "C";
  const std::string array = "{" + symbols + "}";
  constexpr std::int64_t kTicks = 100000;
  auto conn = db();
  const auto stored = [&] {
    return query_int(conn, "SELECT count(*) FROM stock_prices WHERE symbol = ANY($1::text[])", {array});
  };

  // 4,000 ticks/s: the run lasts about 25 s, long enough for three kills
  // and the group rebalances that follow them.
  Child ingest({"ingest", "--count", std::to_string(kTicks), "--symbols", symbols, "--sim-rate", "4000",
                "--news-every", "0", "--indicators-every", "0"});
  auto store = std::make_unique<Child>(std::vector<std::string>{"store", "--batch-size", "5000"});
  std::vector<std::int64_t> at_kill;
  for (int kill = 0; kill < 3; ++kill) {
    // Kill only once the store has written something since it started, so
    // every kill lands in the middle of real work.
    const std::int64_t before = stored();
    ASSERT_TRUE(eventually([&] { return stored() > before; }, std::chrono::seconds(60))) << store->log_tail();
    std::this_thread::sleep_for(std::chrono::milliseconds(150 * (kill + 1)));
    store->signal(SIGKILL);
    EXPECT_EQ(store->wait(), 128 + SIGKILL);
    at_kill.push_back(stored());
    store = std::make_unique<Child>(std::vector<std::string>{"store", "--batch-size", "5000"});
  }
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120)), 0) << ingest.log_tail();
  ASSERT_TRUE(eventually([&] { return stored() >= kTicks; }, std::chrono::seconds(120))) << store->log_tail();
  // Let the store run on a moment: nothing more may arrive.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  store->signal(SIGTERM);
  EXPECT_EQ(store->wait(), 0) << store->log_tail();

  EXPECT_EQ(stored(), kTicks);
  EXPECT_EQ(query_int(conn,
                      "SELECT count(*) FROM (SELECT DISTINCT src_partition, src_offset FROM stock_prices "
                      "WHERE symbol = ANY($1::text[])) d",
                      {array}),
            kTicks);
  // Every kill happened with the run partly stored.
  for (auto n : at_kill) {
    EXPECT_GT(n, 0);
    EXPECT_LT(n, kTicks);
  }
}

}  // namespace st::itest
