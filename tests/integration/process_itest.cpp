// The stream processor against an independent oracle (process_replay.hpp):
// the committed candles and alerts of a seeded replay through the real
// Kafka must equal a straightforward computation over the same ticks,
// 0 lost and 0 duplicated, despite
// - SIGKILL of the only instance, three times;
// - scaling 1 -> 3 -> 1 instances, with one of them stopped (SIGSTOP) until
//   its partitions moved, then resumed: a zombie that must write nothing.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <thread>

#include "harness.hpp"
#include "process_replay.hpp"

namespace st::itest {

class Process : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
  }
};

TEST_F(Process, ThreeSigkillsLoseAndDuplicateNothing) {
  ProcessReplay replay(unique_tag(), 30000);
  Child ingest(replay.ingest_args(5000));
  auto process = std::make_unique<Child>(ProcessReplay::process_args("0"));
  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500 + 700 * kill));
    process->signal(SIGKILL);
    EXPECT_EQ(process->wait(), 128 + SIGKILL);
    process = std::make_unique<Child>(ProcessReplay::process_args("0"));
  }
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120)), 0) << ingest.log_tail();
  const auto got = replay.read_committed(std::chrono::seconds(150));
  process->signal(SIGTERM);
  EXPECT_EQ(process->wait(), 0) << process->log_tail();
  replay.expect_equal(got);
}

TEST_F(Process, ScalingOneToThreeToOneWithAZombieLosesAndDuplicatesNothing) {
  ProcessReplay replay(unique_tag(), 40000);
  Child ingest(replay.ingest_args(4000));  // about 10 s
  Child first(ProcessReplay::process_args("0"), {{"LOG_LEVEL", "debug"}});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto second = std::make_unique<Child>(ProcessReplay::process_args("1"), std::map<std::string, std::string>{{"LOG_LEVEL", "debug"}});
  auto third = std::make_unique<Child>(ProcessReplay::process_args("2"), std::map<std::string, std::string>{{"LOG_LEVEL", "debug"}});
  std::this_thread::sleep_for(std::chrono::seconds(3));
  // The zombie: stopped past its session timeout, so its partitions move.
  second->signal(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::seconds(10));
  third->signal(SIGTERM);  // scale down while the zombie sleeps
  EXPECT_EQ(third->wait(), 0) << third->log_tail();
  second->signal(SIGCONT);  // it wakes up with a transaction it may not finish
  std::this_thread::sleep_for(std::chrono::seconds(4));
  second->signal(SIGTERM);  // back to one instance
  const int zombie_exit = second->wait();
  EXPECT_TRUE(zombie_exit == 0 || zombie_exit == 1) << second->log_tail();
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120)), 0) << ingest.log_tail();
  const auto got = replay.read_committed(std::chrono::seconds(180));
  first.signal(SIGTERM);
  EXPECT_EQ(first.wait(), 0) << first.log_tail();
  replay.expect_equal(got);
}

}  // namespace st::itest
