// The stream processor against an independent oracle: a seeded replay goes
// through the real Kafka while `stocktracker process` is killed with SIGKILL
// three times; the committed candles and alerts must equal a straightforward
// computation over the same ticks (0 lost, 0 duplicated).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "harness.hpp"
#include "simulator.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::itest {
namespace {

constexpr std::int64_t kTicks = 30000;
constexpr EpochMs kStepMs = 100;  // 50 minutes of event time
constexpr EpochMs kLatenessMs = 60000;
constexpr EpochMs kOutOfOrderMs = 2000;
constexpr double kHysteresis = 0.002;

std::string bootstrap() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

struct OracleCandle {
  double open = 0, high = 0, low = 0, close = 0;
  std::int64_t volume = 0, ticks = 0;
};

}  // namespace

TEST(Process, CandlesAndAlertsEqualTheOracleDespiteThreeSigkills) {
  ASSERT_EQ(run({"migrate"}), 0);
  ASSERT_EQ(run({"topics"}), 0);
  const std::string tag = unique_tag();
  const std::vector<std::string> symbols = {"PX" + tag + "A", "PX" + tag + "B"};
  const EpochMs start = event_time_after_everything();
  const std::uint64_t seed = 20261127;

  // The oracle's input: the simulator is deterministic for a seed and the
  // event times, so the test regenerates exactly the ticks ingest sends.
  ingest::MarketSimulator sim(seed, symbols);
  std::vector<model::PriceTick> ticks;
  for (std::int64_t i = 0; i < kTicks; ++i) ticks.push_back(sim.next_tick(start + i * kStepMs));

  // One user with a price_above rule on each symbol at its median price.
  std::map<std::string, double> level;
  for (const auto& s : symbols) {
    std::vector<double> ps;
    for (const auto& t : ticks) {
      if (t.symbol == s) ps.push_back(t.price);
    }
    std::nth_element(ps.begin(), ps.begin() + static_cast<long>(ps.size() / 2), ps.end());
    level[s] = ps[ps.size() / 2];
  }
  const std::int64_t user = 900000 + static_cast<std::int64_t>(std::hash<std::string>{}(tag) % 99999);
  model::UserPreferences prefs;
  prefs.user_id = UserId(user);
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    model::AlertRuleSpec r;
    r.id = model::AlertRuleId(static_cast<std::int64_t>(i + 1));
    r.symbol = symbols[i];
    r.kind = model::RuleKind::kPriceAbove;
    r.params = "{\"price\":" + std::to_string(level[symbols[i]]) + "}";
    r.cooldown_seconds = 0;
    prefs.rules.push_back(r);
  }
  {
    auto producer = kafka::Producer::create(bootstrap());
    ASSERT_TRUE(producer);
    ASSERT_TRUE((*producer)->produce("user-preferences", std::to_string(user), model::encode(prefs)));
    ASSERT_TRUE((*producer)->flush(std::chrono::seconds(30)));
  }

  // Oracle: group-by for candles; a plain loop for the hysteresis rule.
  std::map<std::pair<std::string, EpochMs>, OracleCandle> candles;
  std::map<std::string, EpochMs> last_ts;
  std::multiset<std::tuple<std::string, EpochMs, double>> expected_alerts;
  std::map<std::string, bool> armed;
  for (const auto& t : ticks) {
    const EpochMs w = t.ts - t.ts % model::kCandleWindowMs;
    auto [it, fresh] = candles.try_emplace({t.symbol, w});
    auto& c = it->second;
    if (fresh) c = {t.price, t.price, t.price, t.price, 0, 0};
    c.high = std::max(c.high, t.price);
    c.low = std::min(c.low, t.price);
    c.close = t.price;
    c.volume += t.volume;
    ++c.ticks;
    last_ts[t.symbol] = t.ts;
    auto [a, _] = armed.try_emplace(t.symbol, true);
    if (a->second && t.price > level[t.symbol]) {
      expected_alerts.emplace(t.symbol, t.ts, t.price);
      a->second = false;
    } else if (!a->second && t.price < level[t.symbol] * (1 - kHysteresis)) {
      a->second = true;
    }
  }
  // Windows certainly closed by the symbol's own ticks.
  std::set<std::pair<std::string, EpochMs>> must_close;
  for (const auto& [key, c] : candles) {
    if (key.second + model::kCandleWindowMs + kLatenessMs <= last_ts[key.first] - kOutOfOrderMs) must_close.insert(key);
  }
  ASSERT_GE(must_close.size(), 16u);

  // The run: ingest paced at 5,000 ticks/s, process killed three times.
  std::string symbol_list = symbols[0] + "," + symbols[1];
  Child ingest({"ingest", "--count", std::to_string(kTicks), "--symbols", symbol_list, "--sim-seed",
                std::to_string(seed), "--start-ts", std::to_string(start), "--step-ms", std::to_string(kStepMs),
                "--sim-rate", "5000", "--news-every", "0", "--indicators-every", "0"});
  const std::vector<std::string> process_args = {"process", "--allowed-lateness", "60", "--out-of-orderness", "2000"};
  auto process = std::make_unique<Child>(process_args);
  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500 + 700 * kill));
    process->signal(SIGKILL);
    EXPECT_EQ(process->wait(), 128 + SIGKILL);
    process = std::make_unique<Child>(process_args);
  }
  EXPECT_EQ(ingest.wait(std::chrono::seconds(120)), 0) << ingest.log_tail();

  // Read back what was committed (read_committed).
  auto reader = kafka::Consumer::create(bootstrap(), "itest-process-" + tag, {});
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*reader)->subscribe({"price-candles-5m", "stock-alerts"}));
  std::map<std::pair<std::string, EpochMs>, std::vector<model::Candle>> finals;
  std::multiset<std::tuple<std::string, EpochMs, double>> alerts;
  const std::set<std::string> ours(symbols.begin(), symbols.end());
  const bool complete = eventually(
      [&] {
        for (auto& m : (*reader)->poll_batch(10000, std::chrono::milliseconds(200))) {
          if (m.error()) continue;
          if (m.topic() == "price-candles-5m") {
            auto c = model::decode_candle(m.payload());
            EXPECT_TRUE(c) << c.error().message;
            if (c && ours.contains(c->symbol) && c->final) finals[{c->symbol, c->start_ts}].push_back(*c);
          } else if (m.key() == std::to_string(user)) {
            auto a = model::decode_alert(m.payload());
            EXPECT_TRUE(a) << a.error().message;
            if (a) alerts.emplace(*a->symbol, a->event_ts, *a->price);
          }
        }
        for (const auto& key : must_close) {
          if (!finals.contains(key)) return false;
        }
        return alerts.size() >= expected_alerts.size();
      },
      std::chrono::seconds(150));
  process->signal(SIGTERM);
  EXPECT_EQ(process->wait(), 0) << process->log_tail();
  // Anything committed late still counts: one more read.
  for (auto& m : (*reader)->poll_batch(10000, std::chrono::milliseconds(1000))) {
    if (m.error() || m.topic() != "stock-alerts" || m.key() != std::to_string(user)) continue;
    auto a = model::decode_alert(m.payload());
    if (a) alerts.emplace(*a->symbol, a->event_ts, *a->price);
  }
  (*reader)->close();
  ASSERT_TRUE(complete) << process->log_tail();

  for (const auto& [key, list] : finals) {
    EXPECT_EQ(list.size(), 1u) << "final candle of " << key.first << "@" << key.second << " emitted "
                               << list.size() << " times";
    const auto& o = candles.at(key);
    const auto& c = list.front();
    EXPECT_EQ(c.open, o.open);
    EXPECT_EQ(c.high, o.high);
    EXPECT_EQ(c.low, o.low);
    EXPECT_EQ(c.close, o.close);
    EXPECT_EQ(c.volume, o.volume);
    EXPECT_EQ(c.ticks, o.ticks) << key.first << "@" << key.second;
  }
  EXPECT_EQ(alerts, expected_alerts);
  std::cout << "compared " << finals.size() << " final candles (" << must_close.size() << " required) and "
            << alerts.size() << " alerts with the oracle\n";
}

}  // namespace st::itest
