#include "process_replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "harness.hpp"
#include "simulator.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::itest {
namespace {

constexpr double kHysteresis = 0.002;  // the processor's re-arm band for price levels

std::string bootstrap() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

}  // namespace

ProcessReplay::ProcessReplay(const std::string& tag, std::int64_t ticks)
    : tag_(tag), symbols_{"PX" + tag + "A", "PX" + tag + "B"}, ticks_(ticks) {
  start_ = event_time_after_everything();
  // The simulator is deterministic for a seed and the event times, so the
  // oracle regenerates exactly the ticks ingest sends.
  ingest::MarketSimulator sim(seed_, symbols_);
  std::vector<model::PriceTick> all;
  for (std::int64_t i = 0; i < ticks_; ++i) all.push_back(sim.next_tick(start_ + i * kStepMs));

  // One user with a price_above rule on each symbol at its median price.
  std::map<std::string, double> level;
  for (const auto& s : symbols_) {
    std::vector<double> ps;
    for (const auto& t : all) {
      if (t.symbol == s) ps.push_back(t.price);
    }
    std::nth_element(ps.begin(), ps.begin() + static_cast<long>(ps.size() / 2), ps.end());
    level[s] = ps[ps.size() / 2];
  }
  user_ = 900000 + static_cast<std::int64_t>(std::hash<std::string>{}(tag) % 99999);
  model::UserPreferences prefs;
  prefs.user_id = UserId(user_);
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    model::AlertRuleSpec r;
    r.id = model::AlertRuleId(static_cast<std::int64_t>(i + 1));
    r.symbol = symbols_[i];
    r.kind = model::RuleKind::kPriceAbove;
    r.params = "{\"price\":" + std::to_string(level[symbols_[i]]) + "}";
    r.cooldown_seconds = 0;
    prefs.rules.push_back(r);
  }
  auto producer = kafka::Producer::create(bootstrap());
  if (!producer) throw std::runtime_error(producer.error().message);
  if (!(*producer)->produce("user-preferences", std::to_string(user_), model::encode(prefs))) {
    throw std::runtime_error("cannot publish preferences");
  }
  if (!(*producer)->flush(std::chrono::seconds(30))) throw std::runtime_error("cannot flush preferences");

  // The oracle: a group-by for candles, a plain loop for the rule.
  std::map<std::string, EpochMs> last_ts;
  std::map<std::string, bool> armed;
  for (const auto& t : all) {
    const EpochMs w = t.ts - t.ts % model::kCandleWindowMs;
    auto [it, fresh] = candles_.try_emplace({t.symbol, w});
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
      alerts_.emplace(t.symbol, t.ts, t.price);
      a->second = false;
    } else if (!a->second && t.price < level[t.symbol] * (1 - kHysteresis)) {
      a->second = true;
    }
  }
  // Windows certainly closed by each symbol's own ticks.
  for (const auto& [key, c] : candles_) {
    if (key.second + model::kCandleWindowMs + kLatenessMs <= last_ts[key.first] - kOutOfOrderMs) {
      must_close_.insert(key);
    }
  }
}

std::vector<std::string> ProcessReplay::ingest_args(int rate) const {
  return {"ingest", "--count", std::to_string(ticks_), "--symbols", symbols_[0] + "," + symbols_[1], "--sim-seed",
          std::to_string(seed_), "--start-ts", std::to_string(start_), "--step-ms", std::to_string(kStepMs),
          "--sim-rate", std::to_string(rate), "--news-every", "0", "--indicators-every", "0"};
}

std::vector<std::string> ProcessReplay::process_args(const std::string& instance_id) {
  return {"process", "--instance-id", instance_id, "--allowed-lateness", std::to_string(kLatenessMs / 1000),
          "--out-of-orderness", std::to_string(kOutOfOrderMs)};
}

ProcessReplay::Committed ProcessReplay::read_committed(std::chrono::seconds timeout) const {
  Committed got;
  auto reader = kafka::Consumer::create(bootstrap(), "itest-process-" + tag_, {});
  if (!reader) throw std::runtime_error(reader.error().message);
  if (!(*reader)->subscribe({"price-candles-5m", "stock-alerts"})) throw std::runtime_error("subscribe failed");
  const std::set<std::string> ours(symbols_.begin(), symbols_.end());
  const std::string user = std::to_string(user_);
  auto drain = [&](std::chrono::milliseconds wait) {
    for (auto& m : (*reader)->poll_batch(10000, wait)) {
      if (m.error()) continue;
      if (m.topic() == "price-candles-5m") {
        auto c = model::decode_candle(m.payload());
        EXPECT_TRUE(c) << c.error().message;
        if (c && ours.contains(c->symbol) && c->final) got.finals[{c->symbol, c->start_ts}].push_back(*c);
      } else if (m.key() == user) {
        auto a = model::decode_alert(m.payload());
        EXPECT_TRUE(a) << a.error().message;
        if (a) got.alerts.emplace(*a->symbol, a->event_ts, *a->price);
      }
    }
  };
  const bool complete = eventually(
      [&] {
        drain(std::chrono::milliseconds(200));
        for (const auto& key : must_close_) {
          if (!got.finals.contains(key)) return false;
        }
        return got.alerts.size() >= alerts_.size();
      },
      timeout);
  drain(std::chrono::milliseconds(1000));  // anything committed just after
  (*reader)->close();
  EXPECT_TRUE(complete) << "the committed output did not reach the oracle's size in time";
  return got;
}

void ProcessReplay::expect_equal(const Committed& got) const {
  EXPECT_GE(must_close_.size(), 12u);
  for (const auto& key : must_close_) EXPECT_TRUE(got.finals.contains(key)) << key.first << "@" << key.second;
  for (const auto& [key, list] : got.finals) {
    EXPECT_EQ(list.size(), 1u) << "final candle of " << key.first << "@" << key.second << " emitted "
                               << list.size() << " times";
    const auto& o = candles_.at(key);
    const auto& c = list.front();
    EXPECT_EQ(c.open, o.open);
    EXPECT_EQ(c.high, o.high);
    EXPECT_EQ(c.low, o.low);
    EXPECT_EQ(c.close, o.close);
    EXPECT_EQ(c.volume, o.volume);
    EXPECT_EQ(c.ticks, o.ticks) << key.first << "@" << key.second;
  }
  EXPECT_EQ(got.alerts, alerts_);
  std::cout << "compared " << got.finals.size() << " final candles (" << must_close_.size() << " required) and "
            << got.alerts.size() << " alerts with the oracle\n";
}

}  // namespace st::itest
