#include "processor.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "rollup_json.hpp"
#include "rule_state_json.hpp"
#include "sentiment.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::process {
namespace {

namespace json = boost::json;

double as_double(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  throw std::invalid_argument("not a number");
}

std::string late_topic() { return std::string(model::topic::kStockPricesLate); }

}  // namespace

std::string encode_symbol_state(const std::vector<WindowAcc>* windows, const SymbolState* rules,
                                const std::vector<RollupBucket>* hours, const std::vector<RollupBucket>* days) {
  json::object o;
  o["v"] = 1;
  json::array ws;
  if (windows != nullptr) {
    for (const auto& w : *windows) {
      ws.push_back(json::object{{"start", w.start},        {"open", w.open},       {"high", w.high},
                                {"low", w.low},            {"close", w.close},     {"open_ts", w.open_ts},
                                {"close_ts", w.close_ts},  {"volume", w.volume},   {"pv", w.price_volume},
                                {"ticks", w.ticks},        {"fired", w.fired}});
    }
  }
  o["windows"] = std::move(ws);
  if (hours != nullptr && !hours->empty()) o["h"] = encode_buckets(*hours);
  if (days != nullptr && !days->empty()) o["d"] = encode_buckets(*days);
  if (rules != nullptr) encode_rule_state(*rules, o);
  return json::serialize(o);
}

Status decode_symbol_state(std::string_view text, std::vector<WindowAcc>& windows, SymbolState& rules,
                           std::vector<RollupBucket>* hours, std::vector<RollupBucket>* days) {
  try {
    const json::object o = json::parse(text).as_object();
    if (o.at("v").as_int64() != 1) return fail(Errc::kInvalidInput, "changelog: unknown state version");
    for (const auto& v : o.at("windows").as_array()) {
      const auto& w = v.as_object();
      WindowAcc a;
      a.start = w.at("start").as_int64();
      a.open = as_double(w.at("open"));
      a.high = as_double(w.at("high"));
      a.low = as_double(w.at("low"));
      a.close = as_double(w.at("close"));
      a.open_ts = w.at("open_ts").as_int64();
      a.close_ts = w.at("close_ts").as_int64();
      a.volume = w.at("volume").as_int64();
      a.price_volume = as_double(w.at("pv"));
      a.ticks = w.at("ticks").as_int64();
      a.fired = w.at("fired").as_bool();
      windows.push_back(a);
    }
    if (const auto* h = o.if_contains("h"); h != nullptr && hours != nullptr) *hours = decode_buckets(h->as_array());
    if (const auto* d = o.if_contains("d"); d != nullptr && days != nullptr) *days = decode_buckets(d->as_array());
    decode_rule_state(o, rules);
  } catch (const std::exception& e) {
    // Our own records: a failure here is a bug or a foreign writer.
    return fail(Errc::kInvalidInput, std::string("changelog: malformed state: ") + e.what());
  }
  return {};
}

void Processor::assign(std::int32_t partition) {
  ensure_rules();
  auto state = std::make_unique<PartitionState>(windows_config_);
  state->rules.set_rules(rules_index_);
  state->rules.set_companies(companies_);
  partitions_[partition] = std::move(state);
}

void Processor::revoke(std::int32_t partition) { partitions_.erase(partition); }

Status Processor::restore(std::int32_t partition, std::string_view key, std::string_view value) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return fail(Errc::kInternal, "restore for a partition not assigned");
  PartitionState& p = *it->second;
  if (key == "p") {
    try {
      const auto o = json::parse(value).as_object();
      std::optional<EpochMs> max_ts, floor;
      if (const auto* m = o.if_contains("max_ts"); m != nullptr && !m->is_null()) max_ts = m->as_int64();
      if (const auto* f = o.if_contains("wm_floor")) floor = f->as_int64();
      p.windows.restore_progress(max_ts, static_cast<std::uint64_t>(o.at("late").as_int64()), floor);
    } catch (const std::exception& e) {
      return fail(Errc::kInvalidInput, std::string("changelog: malformed progress: ") + e.what());
    }
    return {};
  }
  if (key == "i") {
    try {
      p.rules.restore_indicators(decode_indicator_state(value));
    } catch (const std::exception& e) {
      return fail(Errc::kInvalidInput, std::string("changelog: malformed indicator state: ") + e.what());
    }
    return {};
  }
  if (!key.starts_with("s:")) return fail(Errc::kInvalidInput, "changelog: unknown key " + std::string(key));
  const std::string symbol(key.substr(2));
  std::vector<WindowAcc> windows;
  SymbolState rules;
  std::vector<RollupBucket> hours, days;
  if (auto st = decode_symbol_state(value, windows, rules, &hours, &days); !st) return st;
  p.windows.restore(symbol, std::move(windows));
  p.hours.restore(symbol, std::move(hours));
  p.days.restore(symbol, std::move(days));
  p.rules.restore(symbol, std::move(rules));
  return {};
}

void Processor::set_preferences(const model::UserPreferences& prefs) {
  // Compiles only this user's rules; the shared index is rebuilt once, before
  // the next record needs it, so loading N users at start costs O(N) and not
  // O(N^2) rebuilds.
  if (prefs.deleted) {
    compiled_.erase(prefs.user_id.value());
  } else {
    compiled_[prefs.user_id.value()] = compile_rules(prefs, nullptr);
  }
  rules_dirty_ = true;
}

void Processor::set_companies(std::unordered_map<std::string, CompanyInfo> companies) {
  companies_ = std::move(companies);
  for (auto& [n, p] : partitions_) p->rules.set_companies(companies_);
}

void Processor::ensure_rules() {
  if (!rules_dirty_) return;
  rules_dirty_ = false;
  std::vector<CompiledRule> all;
  for (const auto& [user, rules] : compiled_) all.insert(all.end(), rules.begin(), rules.end());
  rules_index_ = index_rules(std::move(all));  // one copy, shared by every partition
  for (auto& [n, p] : partitions_) {
    for (auto& symbol : p->rules.set_rules(rules_index_)) p->touched.insert(std::move(symbol));
  }
}

void Processor::on_tick_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                               std::string_view payload, std::vector<OutRecord>& out) {
  ensure_rules();
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return;
  PartitionState& p = *it->second;
  auto tick = model::decode_tick(payload);
  if (!tick) {
    ++stats_.dead_letters;
    out.push_back(dead_letter(model::topic::kStockPrices, partition, offset, key, payload, tick.error().message));
    return;
  }
  ++stats_.ticks;
  ++p.records;
  std::vector<model::Candle> candles;
  if (p.windows.add(*tick, candles) == CandleWindows::Added::kLate) {
    ++stats_.late;
    out.push_back({late_topic(), partition, tick->symbol, std::string(payload), {}});
  }
  emit_candles(partition, p, candles, out);
  std::vector<model::Alert> alerts;
  p.rules.on_tick(*tick, partition, offset, alerts);
  emit_alerts(alerts, out);
  // The symbol goes to the changelog through p.rules.take_ticked_symbols().
}

void Processor::emit_alerts(const std::vector<model::Alert>& alerts, std::vector<OutRecord>& out) {
  for (const auto& a : alerts) {
    ++stats_.alerts;
    out.push_back({std::string(model::topic::kStockAlerts), -1, std::to_string(a.user_id.value()), model::encode(a), {}});
  }
}

void Processor::emit_candles(std::int32_t partition, PartitionState& p, const std::vector<model::Candle>& candles,
                             std::vector<OutRecord>& out) {
  for (const auto& c : candles) {
    ++stats_.candles;
    out.push_back({std::string(model::topic::kPriceCandles5m), partition, c.symbol, model::encode(c), {}});
    p.touched.insert(c.symbol);
    p.hours.on_candle(c);
    p.days.on_candle(c);
    std::vector<model::Alert> alerts;  // volume_spike, ma_cross
    p.rules.on_candle(c, alerts);
    emit_alerts(alerts, out);
  }
  // The rollups follow the same watermark; this is a cheap check when no
  // bucket is due.
  std::vector<model::Candle> rolled;
  const auto wm = p.windows.watermark();
  p.hours.advance(wm, rolled);
  const std::size_t hourly = rolled.size();
  p.days.advance(wm, rolled);
  for (std::size_t i = 0; i < rolled.size(); ++i) {
    const auto& c = rolled[i];
    ++stats_.rollup_candles;
    const auto topic = i < hourly ? model::topic::kPriceCandles1h : model::topic::kPriceCandles1d;
    out.push_back({std::string(topic), partition, c.symbol, model::encode(c), {}});
    p.touched.insert(c.symbol);
  }
}

void Processor::advance_idle(EpochMs now, std::vector<OutRecord>& out) {
  ensure_rules();
  const EpochMs timeout = windows_config_.idle_timeout_ms;
  if (timeout <= 0) return;
  std::optional<EpochMs> lowest_active;
  for (auto& [n, p] : partitions_) {
    if (!p->active_at || p->records != p->records_checked) {
      p->records_checked = p->records;
      p->active_at = now;
    }
    const auto wm = p->windows.watermark();
    if (now - *p->active_at < timeout && wm && (!lowest_active || *wm < *lowest_active)) lowest_active = wm;
  }
  if (!lowest_active) return;  // every partition idle (or none with a watermark): nothing moves, as in Flink
  for (auto& [n, p] : partitions_) {
    if (now - *p->active_at < timeout) continue;
    // Nothing to close: leave its watermark (and its changelog) alone.
    if (p->windows.open_windows() + p->hours.open_buckets() + p->days.open_buckets() == 0) continue;
    std::vector<model::Candle> candles;
    if (!p->windows.advance_to(*lowest_active, candles)) continue;
    ++stats_.idle_advances;
    p->progress_dirty = true;
    emit_candles(n, *p, candles, out);
  }
}

OutRecord dead_letter(std::string_view topic, std::int32_t partition, std::int64_t offset, std::string_view key,
                      std::string_view payload, const std::string& reason) {
  return {model::dlq_topic(topic), -1, std::string(key), std::string(payload),
          {{"dlq.reason", reason},
           {"dlq.source.topic", std::string(topic)},
           {"dlq.source.partition", std::to_string(partition)},
           {"dlq.source.offset", std::to_string(offset)},
           {"dlq.service", "process"}}};
}

void Processor::on_news_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                               std::string_view payload, std::vector<OutRecord>& out) {
  auto article = model::decode_news(payload);
  if (!article) {
    ++stats_.dead_letters;
    out.push_back(dead_letter(model::topic::kNewsArticles, partition, offset, key, payload, article.error().message));
    return;
  }
  const Sentiment s = score_text(article->title, article->summary);
  model::ScoredArticle scored{std::move(*article), s.score, s.label};
  ++stats_.news;
  const std::string encoded = model::encode(scored);
  // Re-keyed by symbol for the news rules: the repartition topic has as
  // many partitions as stock-prices and the same partitioner hashes the
  // same key, so each copy lands on the partition (and instance) that holds
  // its symbol's state (docs/architecture.md).
  for (const auto& symbol : scored.article.symbols) {
    out.push_back({news_by_symbol_topic_, -1, symbol, encoded, {}});
  }
  out.push_back({std::string(model::topic::kNewsScored), -1, scored.article.id, encoded, {}});
}

void Processor::on_indicator_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                                    std::string_view payload, std::vector<OutRecord>& out) {
  ensure_rules();
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return;
  auto release = model::decode_indicator(payload);
  if (!release) {
    ++stats_.dead_letters;
    out.push_back(dead_letter(model::topic::kEconomicIndicators, partition, offset, key, payload,
                              release.error().message));
    return;
  }
  std::vector<model::Alert> alerts;
  it->second->rules.on_indicator(*release, alerts);
  emit_alerts(alerts, out);
}

void Processor::on_symbol_news_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                                      std::string_view payload, std::vector<OutRecord>& out) {
  ensure_rules();
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return;
  auto scored = model::decode_scored_news(payload);
  if (!scored || key.empty()) {
    ++stats_.dead_letters;
    out.push_back(dead_letter(news_by_symbol_topic_, partition, offset, key, payload,
                              scored ? std::string("no symbol key") : scored.error().message));
    return;
  }
  const std::string symbol(key);
  std::vector<model::Alert> alerts;
  it->second->rules.on_news(symbol, *scored, alerts);
  emit_alerts(alerts, out);
  it->second->touched.insert(symbol);
}

void Processor::flush_changelog(const std::string& changelog_topic, std::vector<OutRecord>& out) {
  ensure_rules();
  for (auto& [partition, p] : partitions_) {
    if (p->rules.take_indicator_changes()) {
      out.push_back({changelog_topic, partition, "i", encode_indicator_state(p->rules.indicator_states()), {}});
    }
    for (auto& symbol : p->rules.take_ticked_symbols()) p->touched.insert(std::move(symbol));
    if (p->touched.empty() && !p->progress_dirty) continue;
    std::vector<std::string> symbols(p->touched.begin(), p->touched.end());
    std::sort(symbols.begin(), symbols.end());  // a reproducible changelog order
    for (const auto& symbol : symbols) {
      out.push_back({changelog_topic, partition, "s:" + symbol,
                     encode_symbol_state(p->windows.windows_of(symbol), p->rules.state_of(symbol),
                                         p->hours.buckets_of(symbol), p->days.buckets_of(symbol)),
                     {}});
    }
    p->touched.clear();
    p->progress_dirty = false;
    const auto max_ts = p->windows.max_event_ts();
    const auto floor = p->windows.watermark_floor();
    if (max_ts || floor) {
      json::object o{{"late", static_cast<std::int64_t>(p->windows.late_ticks())}};
      o["max_ts"] = max_ts ? json::value(*max_ts) : json::value(nullptr);
      if (floor) o["wm_floor"] = *floor;
      out.push_back({changelog_topic, partition, "p", json::serialize(o), {}});
    }
  }
}

std::size_t Processor::state_bytes_estimate() const {
  std::size_t bytes = 0;
  for (const auto& [n, p] : partitions_) {
    bytes += p->windows.open_windows() * sizeof(WindowAcc);
    bytes += (p->hours.open_buckets() + p->days.open_buckets()) * (sizeof(RollupBucket) + 2 * sizeof(CandleAgg));
  }
  return bytes + rules_index_->size() * (sizeof(CompiledRule) + sizeof(RuleRuntime) + 32);
}

}  // namespace st::process
