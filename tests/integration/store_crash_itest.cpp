// `store` killed with SIGKILL three times while 100,000 ticks flow: the rows
// in PostgreSQL equal the ticks produced, none lost, none twice. `make chaos`
// runs it at full size (CHAOS_TICKS, CHAOS_KILLS, CHAOS_RATE: chaos_report.hpp).
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "chaos_report.hpp"
#include "harness.hpp"

namespace st::itest {

TEST(StoreCrash, SigkillsDuringIngestLoseAndDuplicateNothing) {
  ASSERT_EQ(run({"migrate"}), 0);
  ASSERT_EQ(run({"topics"}), 0);
  const std::string tag = unique_tag();
  const std::string symbols = "KC" + tag + "A,KC" + tag + "B,KC" + tag + "C";
  const std::string array = "{" + symbols + "}";
  const std::int64_t ticks = chaos_size("CHAOS_TICKS", 100000);
  const std::int64_t kills = chaos_size("CHAOS_KILLS", 3);
  const std::int64_t rate = chaos_size("CHAOS_RATE", 4000);
  auto conn = db();
  const auto stored = [&] {
    return query_int(conn, "SELECT count(*) FROM stock_prices WHERE symbol = ANY($1::text[])", {array});
  };

  // 4,000 ticks/s: the run lasts about 25 s, long enough for three kills
  // and the group rebalances that follow them (make chaos: 20 kills during
  // 1,000,000 ticks at 3,000/s).
  Child ingest({"ingest", "--count", std::to_string(ticks), "--symbols", symbols, "--sim-rate", std::to_string(rate),
                "--news-every", "0", "--indicators-every", "0"});
  auto store = std::make_unique<Child>(std::vector<std::string>{"store", "--batch-size", "5000"});
  std::vector<std::int64_t> at_kill;
  for (std::int64_t kill = 0; kill < kills; ++kill) {
    // Kill only once the store has written something since it started, so
    // every kill lands in the middle of real work. The first store may have
    // to drain what earlier runs left on stock-prices before it reaches ours.
    const std::int64_t before = stored();
    ASSERT_TRUE(eventually([&] { return stored() > before; }, std::chrono::seconds(kill == 0 ? 300 : 60)))
        << store->log_tail();
    std::this_thread::sleep_for(std::chrono::milliseconds(150 * (kill % 3 + 1)));
    store->signal(SIGKILL);
    EXPECT_EQ(store->wait(), 128 + SIGKILL);
    at_kill.push_back(stored());
    store = std::make_unique<Child>(std::vector<std::string>{"store", "--batch-size", "5000"});
  }
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120 + ticks / rate)), 0) << ingest.log_tail();
  ASSERT_TRUE(eventually([&] { return stored() >= ticks; }, std::chrono::seconds(120))) << store->log_tail();
  // Let the store run on a moment: nothing more may arrive.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  store->signal(SIGTERM);
  EXPECT_EQ(store->wait(), 0) << store->log_tail();

  const std::int64_t rows = stored();
  const std::int64_t distinct = query_int(conn,
                                          "SELECT count(*) FROM (SELECT DISTINCT src_partition, src_offset FROM "
                                          "stock_prices WHERE symbol = ANY($1::text[])) d",
                                          {array});
  EXPECT_EQ(rows, ticks);
  EXPECT_EQ(distinct, ticks);
  // Every kill happened with the run partly stored.
  for (auto n : at_kill) {
    EXPECT_GT(n, 0);
    EXPECT_LT(n, ticks);
  }
  chaos_report("kill -9 of store during ingest",
               with_commas(kills) + " kills, " + with_commas(ticks) + " ticks at " + with_commas(rate) + "/s",
               ticks - distinct, rows - distinct);
}

}  // namespace st::itest
