// The Kafka broker restarted while `ingest` sends: every tick the broker
// acknowledged is on stock-prices afterwards, none lost, none twice.
//
// It restarts the broker at KAFKA_BOOTSTRAP_SERVERS, which other tests (and
// people) may be using, so it runs only when CHAOS_BROKER_RESTART holds the
// shell command that restarts that broker: `make chaos` sets it to
// `scripts/services.sh restart-kafka` and runs this test last, on servers it
// started itself. Without it the test is skipped (ctest label "chaos", not in
// make test). Sizes: CHAOS_TICKS, CHAOS_RATE, CHAOS_RESTARTS (chaos_report.hpp).
#include <gtest/gtest.h>

#include <sys/types.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "chaos_report.hpp"
#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::itest {
namespace {

std::string bootstrap() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

/// Whether `pid` is still running (an exited child not yet reaped is not).
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

std::map<std::int32_t, std::int64_t> end_offsets(kafka::Admin& admin) {
  auto ends = admin.end_offsets(std::string(model::topic::kStockPrices), std::chrono::seconds(30));
  if (!ends) throw std::runtime_error(ends.error().message);
  std::map<std::int32_t, std::int64_t> out;
  for (const auto& tp : *ends) out[tp.partition] = tp.offset;
  return out;
}

/// How often each event time of `symbols` occurs on stock-prices between
/// the offsets `from` and `to` (each tick of the run has its own time).
std::map<EpochMs, int> read_ticks(const std::map<std::int32_t, std::int64_t>& from,
                                  const std::map<std::int32_t, std::int64_t>& to,
                                  const std::set<std::string>& symbols) {
  auto reader = kafka::Consumer::create(bootstrap(), "chaos-broker-" + unique_tag(), {});
  if (!reader) throw std::runtime_error(reader.error().message);
  std::vector<kafka::TopicPartition> assign;
  std::map<std::int32_t, std::int64_t> next;
  for (const auto& [partition, offset] : from) {
    if (to.at(partition) <= offset) continue;
    assign.push_back({std::string(model::topic::kStockPrices), partition, offset});
    next[partition] = offset;
  }
  std::map<EpochMs, int> seen;
  if (!(*reader)->assign(assign)) throw std::runtime_error("assign failed");
  const bool complete = eventually(
      [&] {
        for (auto& m : (*reader)->poll_batch(10000, std::chrono::milliseconds(200))) {
          if (m.error()) continue;
          next[m.partition()] = std::max(next[m.partition()], m.offset() + 1);
          auto tick = model::decode_tick(m.payload());
          if (tick && symbols.contains(tick->symbol)) ++seen[tick->ts];
        }
        return std::all_of(next.begin(), next.end(), [&](const auto& p) { return p.second >= to.at(p.first); });
      },
      std::chrono::seconds(180));
  (*reader)->close();
  EXPECT_TRUE(complete) << "stock-prices was not read to its end in time";
  return seen;
}

TEST(BrokerRestart, DuringIngestLosesNoAcknowledgedTick) {
  const char* restart = std::getenv("CHAOS_BROKER_RESTART");
  if (restart == nullptr || *restart == '\0') {
    GTEST_SKIP() << "CHAOS_BROKER_RESTART is not set: this test restarts the shared broker (make chaos runs it)";
  }
  ASSERT_EQ(run({"topics"}), 0);
  const std::int64_t ticks = chaos_size("CHAOS_TICKS", 200000);
  const std::int64_t rate = chaos_size("CHAOS_RATE", 10000);
  const std::int64_t restarts = chaos_size("CHAOS_RESTARTS", 1);
  const std::int64_t ingest_s = ticks / rate;
  const std::string tag = unique_tag();
  const std::set<std::string> symbols{"BR" + tag + "A", "BR" + tag + "B", "BR" + tag + "C"};

  auto admin = kafka::Admin::create(bootstrap());
  ASSERT_TRUE(admin) << admin.error().message;
  const auto from = end_offsets(**admin);
  // One millisecond apart from a time past every other run's ticks: each
  // tick is known by its event time, and no processor's watermark is
  // already past them.
  const EpochMs start = event_time_after_everything();
  Child ingest({"ingest", "--count", std::to_string(ticks), "--symbols",
                "BR" + tag + "A,BR" + tag + "B,BR" + tag + "C", "--sim-rate", std::to_string(rate), "--start-ts",
                std::to_string(start), "--step-ms", "1", "--news-every", "0", "--indicators-every", "0"});
  int mid_ingest = 0;
  for (std::int64_t r = 0; r < restarts; ++r) {
    std::this_thread::sleep_for(std::chrono::seconds(std::max<std::int64_t>(5, ingest_s / (restarts + 1))));
    const bool before = running(ingest.pid());
    EXPECT_EQ(std::system(restart), 0) << "the restart command failed: " << restart;
    mid_ingest += before && running(ingest.pid()) ? 1 : 0;
  }
  // The producer retries through the restart (message.timeout.ms 120 s);
  // ingest exits 0 only when the broker acknowledged every tick.
  const int ingest_exit = ingest.wait(std::chrono::seconds(240 + ingest_s));
  EXPECT_EQ(ingest_exit, 0) << "not every tick was acknowledged:\n" << ingest.log_tail();
  EXPECT_EQ(mid_ingest, restarts) << "a restart did not happen while ingest was sending";

  auto after = kafka::Admin::create(bootstrap());
  ASSERT_TRUE(after) << after.error().message;
  const auto seen = read_ticks(from, end_offsets(**after), symbols);
  std::int64_t lost = 0, duplicated = 0;
  for (std::int64_t i = 0; i < ticks; ++i) {
    const auto it = seen.find(start + i);
    if (it == seen.end()) {
      ++lost;
    } else {
      duplicated += it->second - 1;
    }
  }
  EXPECT_EQ(static_cast<std::int64_t>(seen.size()), ticks - lost) << "ticks with event times this run did not send";
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  chaos_report("broker restart during ingest",
               with_commas(restarts) + " restart(s), " + with_commas(ticks) + " ticks at " + with_commas(rate) + "/s",
               lost, duplicated, "acknowledged: " + std::string(ingest_exit == 0 ? "all" : "not all (ingest failed)"));
}

}  // namespace
}  // namespace st::itest
