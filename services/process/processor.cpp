#include "processor.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

std::string encode_symbol_state(const std::vector<WindowAcc>* windows, const SymbolState* rules) {
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
  if (rules != nullptr) {
    const auto& m = rules->market;
    o["market"] = json::object{{"last", m.last_price}, {"prev_close", m.prev_close}, {"open", m.day_open}, {"day", m.day}};
    json::object rs;
    for (const auto& [key, rt] : rules->rules) {
      rs[key] = json::object{{"armed", rt.armed}, {"done", rt.done}, {"last_fired", rt.last_fired}};
    }
    o["rules"] = std::move(rs);
  }
  return json::serialize(o);
}

Status decode_symbol_state(std::string_view text, std::vector<WindowAcc>& windows, SymbolState& rules) {
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
    if (const auto* m = o.if_contains("market")) {
      const auto& mo = m->as_object();
      rules.market.last_price = as_double(mo.at("last"));
      rules.market.prev_close = as_double(mo.at("prev_close"));
      rules.market.day_open = as_double(mo.at("open"));
      rules.market.day = mo.at("day").as_int64();
    }
    if (const auto* r = o.if_contains("rules")) {
      for (const auto& [key, v] : r->as_object()) {
        const auto& ro = v.as_object();
        rules.rules[std::string(key)] =
            RuleRuntime{ro.at("armed").as_bool(), ro.at("done").as_bool(), ro.at("last_fired").as_int64()};
      }
    }
  } catch (const std::exception& e) {
    // Our own records: a failure here is a bug or a foreign writer.
    return fail(Errc::kInvalidInput, std::string("changelog: malformed state: ") + e.what());
  }
  return {};
}

void Processor::assign(std::int32_t partition) {
  auto state = std::make_unique<PartitionState>(windows_config_);
  state->rules.set_rules(compiled_);
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
      p.windows.restore_progress(o.at("max_ts").as_int64(), static_cast<std::uint64_t>(o.at("late").as_int64()));
    } catch (const std::exception& e) {
      return fail(Errc::kInvalidInput, std::string("changelog: malformed progress: ") + e.what());
    }
    return {};
  }
  if (!key.starts_with("s:")) return fail(Errc::kInvalidInput, "changelog: unknown key " + std::string(key));
  const std::string symbol(key.substr(2));
  std::vector<WindowAcc> windows;
  SymbolState rules;
  if (auto st = decode_symbol_state(value, windows, rules); !st) return st;
  p.windows.restore(symbol, std::move(windows));
  p.rules.restore(symbol, std::move(rules));
  return {};
}

void Processor::set_preferences(const model::UserPreferences& prefs) {
  if (prefs.deleted) {
    preferences_.erase(prefs.user_id.value());
  } else {
    preferences_[prefs.user_id.value()] = prefs;
  }
  rebuild_rules();
}

void Processor::set_companies(std::unordered_map<std::string, CompanyInfo> companies) {
  companies_ = std::move(companies);
  for (auto& [n, p] : partitions_) p->rules.set_companies(companies_);
}

void Processor::rebuild_rules() {
  compiled_.clear();
  for (const auto& [id, prefs] : preferences_) {
    auto rules = compile_rules(prefs, nullptr);
    compiled_.insert(compiled_.end(), std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
  }
  for (auto& [n, p] : partitions_) p->rules.set_rules(compiled_);
}

void Processor::on_tick_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                               std::string_view payload, std::vector<OutRecord>& out) {
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
  std::vector<model::Candle> candles;
  if (p.windows.add(*tick, candles) == CandleWindows::Added::kLate) {
    ++stats_.late;
    out.push_back({late_topic(), partition, tick->symbol, std::string(payload), {}});
  }
  for (const auto& c : candles) {
    ++stats_.candles;
    out.push_back({std::string(model::topic::kPriceCandles5m), partition, c.symbol, model::encode(c), {}});
    p.touched.insert(c.symbol);
  }
  std::vector<model::Alert> alerts;
  p.rules.on_tick(*tick, partition, offset, alerts);
  for (const auto& a : alerts) {
    ++stats_.alerts;
    out.push_back({std::string(model::topic::kStockAlerts), -1, std::to_string(a.user_id.value()), model::encode(a), {}});
  }
  p.touched.insert(tick->symbol);
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
  out.push_back({std::string(model::topic::kNewsScored), -1, scored.article.id, model::encode(scored), {}});
}

void Processor::flush_changelog(const std::string& changelog_topic, std::vector<OutRecord>& out) {
  for (auto& [partition, p] : partitions_) {
    if (p->touched.empty()) continue;
    std::vector<std::string> symbols(p->touched.begin(), p->touched.end());
    std::sort(symbols.begin(), symbols.end());  // a reproducible changelog order
    for (const auto& symbol : symbols) {
      out.push_back({changelog_topic, partition, "s:" + symbol,
                     encode_symbol_state(p->windows.windows_of(symbol), p->rules.state_of(symbol)), {}});
    }
    p->touched.clear();
    if (auto max_ts = p->windows.max_event_ts()) {
      json::object o{{"max_ts", *max_ts}, {"late", static_cast<std::int64_t>(p->windows.late_ticks())}};
      out.push_back({changelog_topic, partition, "p", json::serialize(o), {}});
    }
  }
}

std::size_t Processor::state_bytes_estimate() const {
  std::size_t bytes = 0;
  for (const auto& [n, p] : partitions_) {
    bytes += p->windows.open_windows() * sizeof(WindowAcc);
  }
  return bytes + compiled_.size() * (sizeof(CompiledRule) + sizeof(RuleRuntime) + 32);
}

}  // namespace st::process
