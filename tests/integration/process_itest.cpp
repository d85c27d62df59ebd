// The stream processor against an independent oracle (process_replay.hpp):
// the committed candles and alerts of a seeded replay through the real
// Kafka must equal a straightforward computation over the same ticks,
// 0 lost and 0 duplicated, despite
// - SIGKILL of the only instance, three times;
// - scaling 1 -> 3 -> 1 instances, with one of them stopped (SIGSTOP) until
//   its partitions moved, then resumed: a zombie that must write nothing.
// `make chaos` runs both at full size (CHAOS_TICKS, CHAOS_KILLS, CHAOS_RATE:
// chaos_report.hpp); the defaults are make test's sizes. Each replay has its
// own consumer group, symbols, user and indicator (process_replay.hpp), and
// takes the ProcessorLock so another run's processor cannot add to (or
// delay the watermarks of) what it compares.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <thread>

#include "chaos_report.hpp"
#include "harness.hpp"
#include "process_replay.hpp"

namespace st::itest {
namespace {

/// Whether the instance got its partitions (and restored their state).
bool working(const Child& process) {
  std::ifstream in(process.log_path());
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return log.find("\"partitions assigned\"") != std::string::npos;
}

}  // namespace

class Process : public ::testing::Test {
 protected:
  void SetUp() override {
    lock_.emplace();
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
  }
  // Each replay runs its processors in a group of its own, but they still
  // read every run's ticks from stock-prices: runs take turns.
  std::optional<ProcessorLock> lock_;
};

TEST_F(Process, RepeatedSigkillsLoseAndDuplicateNothing) {
  const std::int64_t ticks = chaos_size("CHAOS_TICKS", 30000);
  const std::int64_t kills = chaos_size("CHAOS_KILLS", 3);
  const std::int64_t rate = chaos_size("CHAOS_RATE", 5000);
  const std::int64_t replay_ms = ticks * 1000 / rate;
  ProcessReplay replay(unique_tag(), ticks);
  Child ingest(replay.ingest_args(static_cast<int>(rate)));
  auto process = std::make_unique<Child>(replay.process_args("0"));
  // The kills spread over the replay, at least 2.5 s apart; the varying
  // extra lands them at different points of a transaction. On a loaded
  // machine an instance may need longer than that to get its partitions, so
  // every other kill first waits for that (a kill at work, mid-transaction);
  // the others may land during start-up, also a fault to survive. The result
  // line says how many hit an instance at work.
  const std::int64_t spacing_ms = std::max<std::int64_t>(2500, replay_ms / kills);
  std::int64_t at_work = 0;
  for (std::int64_t kill = 0; kill < kills; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(spacing_ms + 700 * (kill % 3)));
    if (kill % 2 == 0 && !working(*process)) {
      EXPECT_TRUE(eventually([&] { return working(*process); }, std::chrono::seconds(90))) << process->log_tail();
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + 200 * (kill % 3)));
    }
    at_work += working(*process) ? 1 : 0;
    process->signal(SIGKILL);
    EXPECT_EQ(process->wait(), 128 + SIGKILL);
    process = std::make_unique<Child>(replay.process_args("0"));
  }
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120 + replay_ms / 1000)), 0) << ingest.log_tail();
  const auto got = replay.read_committed(std::chrono::seconds(150 + replay_ms / 4000));
  process->signal(SIGTERM);
  EXPECT_EQ(process->wait(), 0) << process->log_tail();
  replay.expect_equal(got);
  const auto tally = replay.tally(got);
  chaos_report("kill -9 of process during a seeded replay",
               with_commas(kills) + " kills, " + with_commas(ticks) + " ticks at " + with_commas(rate) + "/s",
               tally.lost, tally.duplicated,
               "wrong " + with_commas(tally.wrong) + ", " + with_commas(at_work) + " kills after the instance got its partitions");
}

TEST_F(Process, ScalingOneToThreeToOneWithAZombieLosesAndDuplicatesNothing) {
  const std::int64_t ticks = chaos_size("CHAOS_TICKS", 40000);
  const std::int64_t rate = chaos_size("CHAOS_RATE", 4000);
  const std::int64_t replay_s = ticks / rate;  // 10 s at make test's size
  // The phases take their share of a longer replay, never less than at
  // make test's size; the stop must outlast the session timeout (10 s).
  const std::int64_t alone_s = std::max<std::int64_t>(2, replay_s / 5);
  const std::int64_t three_s = std::max<std::int64_t>(3, replay_s / 5);
  const std::int64_t stopped_s = std::max<std::int64_t>(10, replay_s / 5);
  const std::int64_t resumed_s = std::max<std::int64_t>(4, replay_s / 10);
  ProcessReplay replay(unique_tag(), ticks);
  Child ingest(replay.ingest_args(static_cast<int>(rate)));
  Child first(replay.process_args("0"), {{"LOG_LEVEL", "debug"}});
  std::this_thread::sleep_for(std::chrono::seconds(alone_s));
  auto second = std::make_unique<Child>(replay.process_args("1"), std::map<std::string, std::string>{{"LOG_LEVEL", "debug"}});
  auto third = std::make_unique<Child>(replay.process_args("2"), std::map<std::string, std::string>{{"LOG_LEVEL", "debug"}});
  std::this_thread::sleep_for(std::chrono::seconds(three_s));
  // The zombie: stopped past its session timeout, so its partitions move.
  second->signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::seconds(stopped_s));
  third->signal(SIGTERM);  // scale down while the zombie sleeps
  EXPECT_EQ(third->wait(), 0) << third->log_tail();
  second->signal(SIGCONT);  // it wakes up with a transaction it may not finish
  std::this_thread::sleep_for(std::chrono::seconds(resumed_s));
  second->signal(SIGTERM);  // back to one instance
  const int zombie_exit = second->wait();
  EXPECT_TRUE(zombie_exit == 0 || zombie_exit == 1) << second->log_tail();
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120 + replay_s)), 0) << ingest.log_tail();
  const auto got = replay.read_committed(std::chrono::seconds(180 + replay_s / 4));
  first.signal(SIGTERM);
  EXPECT_EQ(first.wait(), 0) << first.log_tail();
  replay.expect_equal(got);
  const auto tally = replay.tally(got);
  chaos_report("scaling process 1 -> 3 -> 1 with a SIGSTOP zombie",
               "one instance stopped " + std::to_string(stopped_s) + " s then resumed, " + with_commas(ticks) +
                   " ticks at " + with_commas(rate) + "/s",
               tally.lost, tally.duplicated,
               "wrong " + with_commas(tally.wrong) + ", zombie exit " + std::to_string(zombie_exit));
}

}  // namespace st::itest
