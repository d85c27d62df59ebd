#include "process_replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "harness.hpp"
#include "process_service.hpp"
#include "simulator.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::itest {
namespace {

constexpr double kHysteresis = 0.002;  // the processor's re-arm band for price levels
constexpr double kRearmRatio = 0.8;    // pct rules re-arm below 80% of the threshold
constexpr EpochMs kWindowMs = 60'000;  // the pct_change_window rule: one minute...
constexpr EpochMs kBucketMs = 2'000;   // ... in 30 buckets (docs/architecture.md)

/// pct_change_window as documented, computed the plain way: every bucket's
/// low and high kept in a map, the window the newest bucket and the 29
/// before it. Returns the move (in the rule's direction "both") of `price`.
struct WindowOracle {
  std::map<std::int64_t, std::pair<double, double>> buckets;
  std::int64_t head = 0;
  double move(EpochMs ts, double price) {
    const std::int64_t b = ts / kBucketMs;
    head = std::max(head, b);
    if (b > head - 30) {
      auto [it, fresh] = buckets.try_emplace(b, price, price);
      it->second.first = std::min(it->second.first, price);
      it->second.second = std::max(it->second.second, price);
    }
    double low = 0, high = 0;
    for (auto it = buckets.lower_bound(head - 29); it != buckets.end(); ++it) {
      low = low == 0 ? it->second.first : std::min(low, it->second.first);
      high = std::max(high, it->second.second);
    }
    return std::max((price - low) / low * 100.0, (high - price) / high * 100.0);
  }
};

/// Adds a tick to the oracle's candle of its symbol and bucket.
void add_tick(std::map<std::pair<std::string, EpochMs>, OracleCandle>& candles, EpochMs bucket,
              const model::PriceTick& t) {
  auto [it, fresh] = candles.try_emplace({t.symbol, bucket});
  auto& c = it->second;
  if (fresh) c = {t.price, t.price, t.price, t.price, 0, 0};
  c.high = std::max(c.high, t.price);
  c.low = std::min(c.low, t.price);
  c.close = t.price;
  c.volume += t.volume;
  ++c.ticks;
}

std::string bootstrap() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

/// Commits `group`'s offsets at the current end of the processor's input
/// topics, so a fresh group reads what this replay sends and not the topics'
/// history (its reset is "earliest"). Returns once the broker holds them.
void start_group_at_end(const std::string& group) {
  auto admin = kafka::Admin::create(bootstrap());
  if (!admin) throw std::runtime_error(admin.error().message);
  std::vector<kafka::TopicPartition> ends;
  for (const auto topic : {model::topic::kStockPrices, model::topic::kNewsArticles,
                           model::topic::kEconomicIndicators}) {
    auto e = (*admin)->end_offsets(std::string(topic), std::chrono::seconds(10));
    if (!e) throw std::runtime_error(e.error().message);
    ends.insert(ends.end(), e->begin(), e->end());
  }
  auto c = kafka::Consumer::create(bootstrap(), group, {});
  if (!c) throw std::runtime_error(c.error().message);
  if (!(*c)->commit(ends)) throw std::runtime_error("cannot commit the start offsets of " + group);
  // The commit is asynchronous: wait until the group reads it back.
  const bool committed = eventually(
      [&] {
        auto got = (*c)->committed_stable(ends, std::chrono::seconds(5));
        return got && *got == ends;
      },
      std::chrono::seconds(30));
  (*c)->close();
  if (!committed) throw std::runtime_error("the start offsets of " + group + " did not commit");
}

}  // namespace

ProcessReplay::ProcessReplay(const std::string& tag, std::int64_t ticks)
    : tag_(tag), group_("itest-processor-" + tag), symbols_{"PX" + tag + "A", "PX" + tag + "B"}, ticks_(ticks) {
  // Before anything is published: the article and the releases below are
  // the group's first news and indicator records.
  start_group_at_end(group_);
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
  // A pct_change_window threshold each symbol crosses now and then: the
  // 97th percentile of the one-minute moves.
  std::map<std::string, double> window_pct;
  {
    std::map<std::string, WindowOracle> w;
    std::map<std::string, std::vector<double>> moves;
    for (const auto& t : all) moves[t.symbol].push_back(w[t.symbol].move(t.ts, t.price));
    for (auto& [s, m] : moves) {
      std::nth_element(m.begin(), m.begin() + static_cast<long>(m.size() * 97 / 100), m.end());
      window_pct[s] = std::round(m[m.size() * 97 / 100] * 1e3) / 1e3;  // exactly as sent in JSON
    }
  }
  user_ = 900000 + static_cast<std::int64_t>(std::hash<std::string>{}(tag) % 99999);
  model::UserPreferences prefs;
  prefs.user_id = UserId(user_);
  auto add_rule = [&prefs](std::int64_t id, const std::string& symbol, model::RuleKind kind, std::string params) {
    model::AlertRuleSpec r;
    r.id = model::AlertRuleId(id);
    r.symbol = symbol;
    r.kind = kind;
    r.params = std::move(params);
    r.cooldown_seconds = 0;
    prefs.rules.push_back(r);
  };
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const auto id = static_cast<std::int64_t>(i + 1);
    add_rule(id, symbols_[i], model::RuleKind::kPriceAbove, "{\"price\":" + std::to_string(level[symbols_[i]]) + "}");
    char params[96];
    std::snprintf(params, sizeof params, R"({"threshold_pct":%.3f,"window_minutes":1})", window_pct[symbols_[i]]);
    add_rule(10 + id, symbols_[i], model::RuleKind::kPctChangeWindow, params);
  }
  add_rule(20, symbols_[0], model::RuleKind::kNewsSentiment, R"({"threshold":0.3,"direction":"negative"})");
  // An indicator of this run only (the topic holds every earlier run's releases).
  const std::string indicator = "ITEST" + tag;
  add_rule(30, "", model::RuleKind::kIndicatorThreshold,
           R"({"indicator":")" + indicator + R"(","threshold":4,"direction":"above"})");
  prefs.rules.back().symbol.reset();
  auto producer = kafka::Producer::create(bootstrap());
  if (!producer) throw std::runtime_error(producer.error().message);
  if (!(*producer)->produce("user-preferences", std::to_string(user_), model::encode(prefs))) {
    throw std::runtime_error("cannot publish preferences");
  }
  // One strongly negative article about the first symbol, through
  // news-articles -> scoring -> the by-symbol repartition -> the rule.
  model::NewsArticle article;
  article.url = "https://example.com/itest/" + tag;
  article.id = model::article_id_for_url(article.url);
  article.title = "Shares plunge after a profit warning, weak guidance and a fraud probe";
  article.source = "itest";
  article.published_ts = start_ + ticks_ / 2 * kStepMs;
  article.symbols = {symbols_[0]};
  if (!(*producer)->produce("news-articles", article.id, model::encode(article))) {
    throw std::runtime_error("cannot publish the article");
  }
  alerts_.emplace("news_sentiment", symbols_[0], article.published_ts, 0.0);
  // Two releases of it: one below the threshold, one above (one alert).
  for (const auto& [period, value] : {std::pair{"2026-09-01", 3.5}, std::pair{"2026-10-01", 4.5}}) {
    const model::EconomicIndicator release{indicator + ":" + period, indicator, period, value, "percent", "itest",
                                           start_};
    if (!(*producer)->produce("economic-indicators", indicator, model::encode(release))) {
      throw std::runtime_error("cannot publish the release");
    }
  }
  alerts_.emplace("indicator_threshold", "", start_, 0.0);
  if (!(*producer)->flush(std::chrono::seconds(30))) throw std::runtime_error("cannot flush preferences");

  // The oracle: a group-by for candles, a plain loop for the rule.
  std::map<std::string, EpochMs> last_ts;
  std::map<std::string, bool> armed;
  std::map<std::string, bool> window_armed;
  std::map<std::string, WindowOracle> windows;
  for (const auto& t : all) {
    add_tick(candles_, t.ts - t.ts % model::kCandleWindowMs, t);
    add_tick(hours_, t.ts - t.ts % model::kCandleHourMs, t);
    last_ts[t.symbol] = t.ts;
    auto [a, _] = armed.try_emplace(t.symbol, true);
    if (a->second && t.price > level[t.symbol]) {
      alerts_.emplace("price_above", t.symbol, t.ts, t.price);
      a->second = false;
    } else if (!a->second && t.price < level[t.symbol] * (1 - kHysteresis)) {
      a->second = true;
    }
    const double move = windows[t.symbol].move(t.ts, t.price);
    auto [wa, unused] = window_armed.try_emplace(t.symbol, true);
    if (!wa->second && move < window_pct[t.symbol] * kRearmRatio) wa->second = true;
    if (wa->second && move >= window_pct[t.symbol]) {
      alerts_.emplace("pct_change_window", t.symbol, t.ts, t.price);
      wa->second = false;
    }
  }
  // Windows certainly closed by each symbol's own ticks.
  for (const auto& [key, c] : candles_) {
    if (key.second + model::kCandleWindowMs + kLatenessMs <= last_ts[key.first] - kOutOfOrderMs) {
      must_close_.insert(key);
    }
  }
  for (const auto& [key, c] : hours_) {
    if (key.second + model::kCandleHourMs + kLatenessMs <= last_ts[key.first] - kOutOfOrderMs) {
      hours_must_close_.insert(key);
    }
  }
}

ProcessReplay::~ProcessReplay() {
  process::ProcessOptions o;
  o.group_id = group_;
  const std::vector<std::string> topics{o.changelog_topic(), o.news_by_symbol_topic(),
                                        model::dlq_topic(o.news_by_symbol_topic())};
  auto admin = kafka::Admin::create(bootstrap());
  Status deleted = admin ? Status{} : Status(std::unexpected(admin.error()));
  if (deleted) deleted = (*admin)->delete_topics(topics, std::chrono::seconds(30));
  // A destructor reports, not throws: the test's verdict is already made.
  if (!deleted) std::cerr << "could not delete the topics of " << group_ << ": " << deleted.error().message << "\n";
}

std::vector<std::string> ProcessReplay::ingest_args(int rate) const {
  return {"ingest", "--count", std::to_string(ticks_), "--symbols", symbols_[0] + "," + symbols_[1], "--sim-seed",
          std::to_string(seed_), "--start-ts", std::to_string(start_), "--step-ms", std::to_string(kStepMs),
          "--sim-rate", std::to_string(rate), "--news-every", "0", "--indicators-every", "0"};
}

std::vector<std::string> ProcessReplay::process_args(const std::string& instance_id) const {
  return {"process", "--group", group_, "--instance-id", instance_id, "--allowed-lateness", std::to_string(kLatenessMs / 1000),
          "--out-of-orderness", std::to_string(kOutOfOrderMs)};
}

ProcessReplay::Committed ProcessReplay::read_committed(std::chrono::seconds timeout) const {
  Committed got;
  auto reader = kafka::Consumer::create(bootstrap(), "itest-process-" + tag_, {});
  if (!reader) throw std::runtime_error(reader.error().message);
  if (!(*reader)->subscribe({"price-candles-5m", "price-candles-1h", "stock-alerts"})) {
    throw std::runtime_error("subscribe failed");
  }
  const std::set<std::string> ours(symbols_.begin(), symbols_.end());
  const std::string user = std::to_string(user_);
  auto drain = [&](std::chrono::milliseconds wait) {
    for (auto& m : (*reader)->poll_batch(10000, wait)) {
      if (m.error()) continue;
      if (m.topic() == "price-candles-5m") {
        auto c = model::decode_candle(m.payload());
        EXPECT_TRUE(c) << c.error().message;
        if (c && ours.contains(c->symbol) && c->final) got.finals[{c->symbol, c->start_ts}].push_back(*c);
      } else if (m.topic() == "price-candles-1h") {
        auto c = model::decode_hour_candle(m.payload());
        EXPECT_TRUE(c) << c.error().message;
        if (c && ours.contains(c->symbol) && c->final) got.hourly_finals[{c->symbol, c->start_ts}].push_back(*c);
      } else if (m.key() == user) {
        auto a = model::decode_alert(m.payload());
        EXPECT_TRUE(a) << a.error().message;
        if (a) {
          const bool news = a->kind == model::RuleKind::kNewsSentiment;
          got.alerts.emplace(std::string(model::to_string(a->kind)), a->symbol.value_or(""), a->event_ts,
                             news ? 0.0 : a->price.value_or(0));
        }
      }
    }
  };
  const bool complete = eventually(
      [&] {
        drain(std::chrono::milliseconds(200));
        for (const auto& key : must_close_) {
          if (!got.finals.contains(key)) return false;
        }
        for (const auto& key : hours_must_close_) {
          if (!got.hourly_finals.contains(key)) return false;
        }
        return got.alerts.size() >= alerts_.size();
      },
      timeout);
  drain(std::chrono::milliseconds(1000));  // anything committed just after
  (*reader)->close();
  EXPECT_TRUE(complete) << "the committed output did not reach the oracle's size in time";
  return got;
}

namespace {

/// Every required final candle is there, and each final candle came once
/// and equals the oracle's.
void expect_finals_equal(const std::map<std::pair<std::string, EpochMs>, std::vector<model::Candle>>& got,
                         const std::map<std::pair<std::string, EpochMs>, OracleCandle>& oracle,
                         const std::set<std::pair<std::string, EpochMs>>& required) {
  for (const auto& key : required) EXPECT_TRUE(got.contains(key)) << key.first << "@" << key.second;
  for (const auto& [key, list] : got) {
    EXPECT_EQ(list.size(), 1u) << "final candle of " << key.first << "@" << key.second << " emitted "
                               << list.size() << " times";
    const auto& o = oracle.at(key);
    const auto& c = list.front();
    EXPECT_EQ(c.open, o.open);
    EXPECT_EQ(c.high, o.high);
    EXPECT_EQ(c.low, o.low);
    EXPECT_EQ(c.close, o.close);
    EXPECT_EQ(c.volume, o.volume);
    EXPECT_EQ(c.ticks, o.ticks) << key.first << "@" << key.second;
  }
}

bool same_candle(const model::Candle& c, const OracleCandle& o) {
  return c.open == o.open && c.high == o.high && c.low == o.low && c.close == o.close && c.volume == o.volume &&
         c.ticks == o.ticks;
}

/// Adds the final candles' part of a Tally.
void tally_finals(const std::map<std::pair<std::string, EpochMs>, std::vector<model::Candle>>& got,
                  const std::map<std::pair<std::string, EpochMs>, OracleCandle>& oracle,
                  const std::set<std::pair<std::string, EpochMs>>& required, ProcessReplay::Tally& t) {
  for (const auto& key : required) t.lost += got.contains(key) ? 0 : 1;
  for (const auto& [key, list] : got) {
    t.duplicated += static_cast<std::int64_t>(list.size()) - 1;
    const auto o = oracle.find(key);
    if (o == oracle.end() || !same_candle(list.front(), o->second)) ++t.wrong;
  }
}

}  // namespace

ProcessReplay::Tally ProcessReplay::tally(const Committed& got) const {
  Tally t;
  tally_finals(got.finals, candles_, must_close_, t);
  tally_finals(got.hourly_finals, hours_, hours_must_close_, t);
  for (auto a = alerts_.begin(); a != alerts_.end(); a = alerts_.upper_bound(*a)) {
    const auto want = static_cast<std::int64_t>(alerts_.count(*a));
    const auto have = static_cast<std::int64_t>(got.alerts.count(*a));
    if (have < want) t.lost += want - have;
    if (have > want) t.duplicated += have - want;
  }
  for (const auto& a : got.alerts) t.wrong += alerts_.contains(a) ? 0 : 1;
  return t;
}

void ProcessReplay::expect_equal(const Committed& got) const {
  EXPECT_GE(must_close_.size(), 12u);
  expect_finals_equal(got.finals, candles_, must_close_);
  // Hours: from the 5-minute candles in the processor, from the ticks here.
  expect_finals_equal(got.hourly_finals, hours_, hours_must_close_);
  std::cout << "compared " << got.hourly_finals.size() << " final hours (" << hours_must_close_.size()
            << " required) with the oracle\n";
  EXPECT_EQ(got.alerts, alerts_);
  std::map<std::string, int> kinds;
  for (const auto& a : alerts_) ++kinds[std::get<0>(a)];
  EXPECT_GT(kinds["pct_change_window"], 0);
  EXPECT_EQ(kinds["news_sentiment"], 1);
  EXPECT_EQ(kinds["indicator_threshold"], 1);
  std::cout << "compared " << got.finals.size() << " final candles (" << must_close_.size() << " required) and "
            << got.alerts.size() << " alerts with the oracle (" << kinds["price_above"] << " price_above, "
            << kinds["pct_change_window"] << " pct_change_window, " << kinds["news_sentiment"]
            << " news_sentiment, " << kinds["indicator_threshold"] << " indicator_threshold)\n";
}

}  // namespace st::itest
