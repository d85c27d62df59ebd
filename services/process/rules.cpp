#include "rules.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rule_kinds.hpp"
#include "stocktracker/model/market_time.hpp"
#include "stocktracker/model/rule_params.hpp"

namespace st::process {
namespace {

constexpr double kLevelHysteresis = 0.002;  // 0.2% of the level
constexpr double kPctRearmRatio = 0.8;      // re-arm below 80% of the threshold

std::string format_price(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

Direction to_direction(model::MoveDirection d) {
  switch (d) {
    case model::MoveDirection::kUp:
      return Direction::kUp;
    case model::MoveDirection::kDown:
      return Direction::kDown;
    case model::MoveDirection::kBoth:
      return Direction::kBoth;
  }
  return Direction::kBoth;
}

/// A signed move seen in the rule's direction (both: its size).
double directed(Direction d, double up, double down) {
  return d == Direction::kUp ? up : d == Direction::kDown ? down : std::max(up, down);
}

bool tick_kind(model::RuleKind k) {
  return k == model::RuleKind::kPriceAbove || k == model::RuleKind::kPriceBelow ||
         k == model::RuleKind::kPctChangePrevClose || k == model::RuleKind::kPctChangeWindow;
}

}  // namespace

std::string rule_key(const CompiledRule& rule) {
  return std::to_string(rule.user.value()) + ":" +
         (rule.rule_id ? std::to_string(rule.rule_id->value()) : std::string("default"));
}

std::vector<CompiledRule> compile_rules(const model::UserPreferences& prefs, std::vector<std::string>* errors) {
  std::vector<CompiledRule> out;
  if (prefs.deleted) return out;
  for (const auto& symbol : prefs.tracked) {
    CompiledRule r;
    r.user = prefs.user_id;
    r.symbol = symbol;
    r.kind = model::RuleKind::kPctChangePrevClose;
    r.level = prefs.price_change_threshold;
    r.cooldown_ms = 3600 * 1000;  // the default rule repeats at most hourly
    r.key = rule_key(r);
    out.push_back(std::move(r));
  }
  for (const auto& spec : prefs.rules) {
    const bool indicator = spec.kind == model::RuleKind::kIndicatorThreshold;
    if (spec.state != model::RuleState::kActive || (!spec.symbol && !indicator)) continue;
    auto params = model::parse_rule_params(spec.kind, spec.params);
    if (!params) {
      if (errors != nullptr) {
        errors->push_back("rule " + std::to_string(spec.id.value()) + ": " + params.error().field + " " +
                          params.error().message);
      }
      continue;
    }
    CompiledRule r;
    r.user = prefs.user_id;
    r.rule_id = spec.id;
    r.symbol = indicator ? std::string() : spec.symbol.value_or("");
    r.indicator = params->indicator;
    r.kind = spec.kind;
    r.repeat = spec.repeat_mode;
    r.cooldown_ms = spec.cooldown_seconds * 1000;
    r.level = params->level;
    r.direction = to_direction(params->direction);
    r.window_ms = params->window_minutes * 60'000;
    r.drop_pct = params->drop_pct;
    r.lookback = static_cast<int>(params->lookback_candles);
    r.fast = static_cast<int>(params->fast);
    r.slow = static_cast<int>(params->slow);
    r.ema = params->ema;
    r.key = rule_key(r);
    out.push_back(std::move(r));
  }
  return out;
}

std::size_t RuleIndex::size() const {
  std::size_t n = indicators.size();
  for (const auto& [s, list] : by_symbol) n += list.size();
  return n;
}

std::shared_ptr<const RuleIndex> index_rules(std::vector<CompiledRule> rules) {
  auto index = std::make_shared<RuleIndex>();
  for (auto& r : rules) {
    if (r.kind == model::RuleKind::kIndicatorThreshold) {
      index->indicators.push_back(std::move(r));
    } else {
      index->by_symbol[r.symbol].push_back(std::move(r));
    }
  }
  return index;
}

std::vector<std::string> RuleEngine::set_rules(std::shared_ptr<const RuleIndex> rules) {
  rules_ = std::move(rules);
  const auto& indicators = rules_->indicators;
  const auto gone_indicators = std::erase_if(indicator_states_, [&](const auto& entry) {
    return std::none_of(indicators.begin(), indicators.end(),
                        [&](const CompiledRule& r) { return r.key == entry.first; });
  });
  if (gone_indicators > 0) indicators_changed_ = true;
  ++generation_;  // every Entry resolves its rules again
  std::vector<std::string> changed;
  for (auto& [symbol, item] : states_) {
    auto& state = item.state;
    const auto live = rules_->by_symbol.find(symbol);
    const auto gone = std::erase_if(state.rules, [&](const auto& entry) {
      if (live == rules_->by_symbol.end()) return true;
      return std::none_of(live->second.begin(), live->second.end(),
                          [&](const CompiledRule& r) { return r.key == entry.first; });
    });
    if (gone > 0) changed.push_back(symbol);
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

std::size_t RuleEngine::rule_count() const { return rules_->size(); }

const SymbolState* RuleEngine::state_of(const std::string& symbol) const {
  auto it = states_.find(symbol);
  return it == states_.end() ? nullptr : &it->second.state;
}

std::vector<std::string> RuleEngine::take_ticked_symbols() {
  for (const auto& symbol : ticked_) {
    // restore() and forget() may have replaced or dropped the entry since.
    if (auto it = states_.find(symbol); it != states_.end()) it->second.ticked = false;
  }
  return std::exchange(ticked_, {});
}

RuleEngine::Entry& RuleEngine::resolved(const std::string& symbol) {
  Entry& e = states_[symbol];
  if (e.generation == generation_) return e;
  e.generation = generation_;
  e.tick_rules.clear();
  const auto rules = rules_->by_symbol.find(symbol);
  if (rules == rules_->by_symbol.end()) return e;
  const auto on_tick = [](const CompiledRule& rule) {
    return tick_kind(rule.kind) || rule.kind == model::RuleKind::kCompositeNewsDrop;
  };
  // Sized exactly: one list per symbol, and the growth slack of push_back
  // alone was ~20 bytes per (symbol, rule) of the state budget (1 KiB).
  std::vector<Entry::TickRule> list;
  list.reserve(static_cast<std::size_t>(std::count_if(rules->second.begin(), rules->second.end(), on_tick)));
  for (const auto& rule : rules->second) {
    if (on_tick(rule)) list.push_back({&rule, &e.state.rules[rule.key], rule.kind, rule.direction, rule.level});
  }
  e.tick_rules = std::move(list);
  return e;
}

std::int64_t RuleEngine::new_york_day(EpochMs ts) {
  constexpr EpochMs kHourMs = 3'600'000;
  const std::int64_t hour = ts >= 0 ? ts / kHourMs : (ts - kHourMs + 1) / kHourMs;
  if (hour != day_cache_hour_) {
    day_cache_hour_ = hour;
    day_cache_day_ = model::new_york_day(ts);
  }
  return day_cache_day_;
}

model::Alert RuleEngine::make_alert(const CompiledRule& rule, const std::string& symbol, const MarketState& m,
                                    const std::string& event_id, EpochMs ts) const {
  model::Alert a;
  a.alert_id = "a-" + std::to_string(rule.user.value()) + "-" +
               (rule.rule_id ? std::to_string(rule.rule_id->value()) : std::string("d")) + "-" + symbol + "-" +
               event_id;
  a.user_id = rule.user;
  a.rule_id = rule.rule_id;
  a.kind = rule.kind;
  a.symbol = symbol;
  if (auto c = companies_.find(symbol); c != companies_.end()) {
    a.company_name = c->second.name;
    if (!c->second.sector.empty()) a.sector = c->second.sector;
  }
  if (m.last_price > 0) {
    a.price = m.last_price;
    a.change_pct = m.prev_close > 0 ? (m.last_price - m.prev_close) / m.prev_close * 100.0 : 0.0;
  }
  a.threshold = rule.level;
  a.event_ts = ts;
  a.sentiment = m.sentiment;
  return a;
}

namespace {

/// Since-open context, e.g. "; +1.20% since the open".
void append_since_open(model::Alert& a, const MarketState& m) {
  if (m.day_open <= 0 || m.last_price <= 0) return;
  char buf[64];
  std::snprintf(buf, sizeof buf, "; %+.2f%% since the open", (m.last_price - m.day_open) / m.day_open * 100.0);
  a.message += buf;
}

}  // namespace

void RuleEngine::on_tick(const model::PriceTick& tick, std::int32_t partition, std::int64_t offset,
                         std::vector<model::Alert>& out) {
  Entry& entry = resolved(tick.symbol);
  if (!entry.ticked) {
    entry.ticked = true;
    ticked_.push_back(tick.symbol);
  }
  MarketState& m = entry.state.market;
  const std::int64_t day = new_york_day(tick.ts);
  const bool new_day = m.day != 0 && day > m.day;
  if (m.day == 0) {
    // No history: the first price seen stands in for the previous close.
    m.prev_close = tick.price;
    m.day_open = tick.price;
  } else if (new_day) {
    m.prev_close = m.last_price;
    m.day_open = tick.price;
  }
  if (m.day == 0 || day > m.day) m.day = day;
  m.last_price = tick.price;
  m.last_ts = std::max(m.last_ts, tick.ts);

  // The move against the previous close, the same for every rule of the
  // kind (the default rule is on every tracked company of every user).
  const double prev_close_pct = m.prev_close > 0 ? (tick.price - m.prev_close) / m.prev_close * 100.0 : 0.0;
  for (const Entry::TickRule& tr : entry.tick_rules) {
    RuleRuntime& rt = *tr.runtime;
    if (rt.done) continue;
    bool condition = false;
    bool rearm = false;
    double reference = 0;
    double change_pct = 0;
    switch (tr.kind) {
      case model::RuleKind::kPriceAbove:
        condition = tick.price > tr.level;
        rearm = tick.price < tr.level * (1 - kLevelHysteresis);
        reference = tr.level;
        break;
      case model::RuleKind::kPriceBelow:
        condition = tick.price < tr.level;
        rearm = tick.price > tr.level * (1 + kLevelHysteresis);
        reference = tr.level;
        break;
      case model::RuleKind::kPctChangePrevClose: {
        reference = m.prev_close;
        change_pct = prev_close_pct;
        const double move = directed(tr.direction, change_pct, -change_pct);
        condition = move >= tr.level;
        rearm = new_day || move < tr.level * kPctRearmRatio;
        break;
      }
      default:
        break;
    }
    // Nothing to record: an armed rule whose condition does not hold, or a
    // disarmed one that does not re-arm (try_fire would return at once).
    const bool level_kind = tr.kind == model::RuleKind::kPriceAbove || tr.kind == model::RuleKind::kPriceBelow ||
                            tr.kind == model::RuleKind::kPctChangePrevClose;
    if (level_kind && (rt.armed ? !condition : !rearm)) continue;
    const CompiledRule& rule = *tr.rule;
    switch (rule.kind) {
      case model::RuleKind::kPriceAbove:
      case model::RuleKind::kPriceBelow:
      case model::RuleKind::kPctChangePrevClose:
        break;
      case model::RuleKind::kPctChangeWindow: {
        window_add(rt, rule.window_ms, tick.ts, tick.price);
        const auto range = window_range(rt);  // never empty: the price was added or is older
        if (!range) continue;
        const double up = (tick.price - range->low) / range->low * 100.0;
        const double down = (range->high - tick.price) / range->high * 100.0;
        const double move = directed(rule.direction, up, down);
        condition = move >= rule.level;
        rearm = move < rule.level * kPctRearmRatio;
        const bool rising = rule.direction == Direction::kUp || (rule.direction == Direction::kBoth && up >= down);
        reference = rising ? range->low : range->high;
        change_pct = rising ? up : -down;
        break;
      }
      case model::RuleKind::kCompositeNewsDrop: {
        window_add(rt, rule.window_ms, tick.ts, tick.price);
        if (rt.news_ts != 0 && tick.ts - rt.news_ts > rule.window_ms) rt.news_ts = 0;  // the article is too old
        const auto range = window_range(rt);
        if (!range || rt.news_ts == 0) continue;
        const double down = (range->high - tick.price) / range->high * 100.0;
        condition = down >= rule.drop_pct && std::abs(tick.ts - rt.news_ts) <= rule.window_ms;
        rearm = true;  // each article fires at most once: it is used up below
        reference = range->high;
        change_pct = -down;
        break;
      }
      default:
        continue;
    }
    if (!try_fire(rule, rt, condition, rearm, tick.ts)) continue;

    // Built only when a rule fires: most ticks fire nothing.
    const std::string event_id = std::to_string(partition) + "-" + std::to_string(offset);
    model::Alert a = make_alert(rule, tick.symbol, m, event_id, tick.ts);
    a.price = tick.price;
    a.reference_price = reference;
    const std::string name = a.company_name.value_or(tick.symbol);
    char buf[160];
    switch (rule.kind) {
      case model::RuleKind::kPriceAbove:
        a.message = name + " rose above " + format_price(rule.level) + " to " + format_price(tick.price);
        break;
      case model::RuleKind::kPriceBelow:
        a.message = name + " fell below " + format_price(rule.level) + " to " + format_price(tick.price);
        break;
      case model::RuleKind::kPctChangeWindow:
        a.change_pct = change_pct;
        std::snprintf(buf, sizeof buf, " moved %+.2f%% within %lld minutes (from %s) to %s", change_pct,
                      static_cast<long long>(rule.window_ms / 60'000), format_price(reference).c_str(),
                      format_price(tick.price).c_str());
        a.message = name + buf;
        break;
      case model::RuleKind::kCompositeNewsDrop:
        a.change_pct = change_pct;
        a.sentiment = rt.news_sentiment;
        std::snprintf(buf, sizeof buf, " fell %.2f%% (from %s to %s) within %lld minutes of negative news (%+.2f)",
                      -change_pct, format_price(reference).c_str(), format_price(tick.price).c_str(),
                      static_cast<long long>(rule.window_ms / 60'000), rt.news_sentiment);
        a.message = name + buf;
        rt.news_ts = 0;
        break;
      default:
        a.change_pct = change_pct;
        std::snprintf(buf, sizeof buf, " moved %+.2f%% from the previous close (%s) to %s", change_pct,
                      format_price(reference).c_str(), format_price(tick.price).c_str());
        a.message = name + buf;
    }
    append_since_open(a, m);
    out.push_back(std::move(a));
  }
}

void RuleEngine::on_candle(const model::Candle& candle, std::vector<model::Alert>& out) {
  auto rules = rules_->by_symbol.find(candle.symbol);
  if (rules == rules_->by_symbol.end()) return;
  SymbolState& state = states_[candle.symbol].state;
  MarketState& m = state.market;
  if (candle.start_ts <= m.last_candle) return;  // a re-emission (late update or final) of a candle seen
  m.last_candle = candle.start_ts;
  const std::string event_id = "c" + std::to_string(candle.start_ts);
  for (const auto& rule : rules->second) {
    if (rule.kind != model::RuleKind::kVolumeSpike && rule.kind != model::RuleKind::kMaCross) continue;
    RuleRuntime& rt = state.rules[rule.key];
    if (rt.done) continue;
    char buf[192];
    std::string text;
    double reference = 0;
    double value = 0;
    bool fire = false;
    if (rule.kind == model::RuleKind::kVolumeSpike) {
      const auto volume = static_cast<double>(candle.volume);
      const auto mean = volume_push(rt, rule.lookback, volume);
      if (!mean || !(*mean > 0)) continue;
      // One alert per run of spiking candles: re-armed by a normal candle.
      fire = try_fire(rule, rt, volume >= rule.level * *mean, volume < rule.level * *mean, candle.end_ts);
      reference = *mean;
      value = volume / *mean;
      std::snprintf(buf, sizeof buf, " traded %lld in 5 minutes, %.1fx its average of the last %d candles (%.0f)",
                    static_cast<long long>(candle.volume), value, rule.lookback, *mean);
      text = buf;
    } else {
      const int before = rt.side;
      const auto ma = ma_push(rt, rule, candle.close);
      if (!ma) continue;
      const int now = ma->fast > ma->slow ? 1 : ma->fast < ma->slow ? -1 : before;  // equal: no side yet
      rt.side = now;
      const bool crossed = before != 0 && now != before;
      const bool wanted = rule.direction == Direction::kBoth || (rule.direction == Direction::kUp) == (now > 0);
      fire = try_fire(rule, rt, crossed && wanted, true, candle.end_ts);
      reference = ma->slow;
      value = ma->fast;
      std::snprintf(buf, sizeof buf, ": %s %d crossed %s %s %d (%.2f vs %.2f)", rule.ema ? "EMA" : "SMA", rule.fast,
                    now > 0 ? "above" : "below", rule.ema ? "EMA" : "SMA", rule.slow, ma->fast, ma->slow);
      text = buf;
    }
    if (!fire) continue;
    model::Alert a = make_alert(rule, candle.symbol, m, event_id, candle.end_ts);
    a.price = candle.close;
    a.reference_price = reference;
    a.message = a.company_name.value_or(candle.symbol) + text;
    append_since_open(a, m);
    out.push_back(std::move(a));
  }
}

void RuleEngine::on_news(const std::string& symbol, const model::ScoredArticle& article,
                         std::vector<model::Alert>& out) {
  SymbolState& state = states_[symbol].state;
  MarketState& m = state.market;
  m.sentiment = article.sentiment;
  auto rules = rules_->by_symbol.find(symbol);
  if (rules == rules_->by_symbol.end()) return;
  const double s = article.sentiment;
  const EpochMs ts = article.article.published_ts;
  const std::string event_id = "n" + article.article.id;
  for (const auto& rule : rules->second) {
    if (rule.kind != model::RuleKind::kNewsSentiment && rule.kind != model::RuleKind::kCompositeNewsDrop) continue;
    RuleRuntime& rt = state.rules[rule.key];
    if (rt.done) continue;
    std::string text;
    char buf[192];
    if (rule.kind == model::RuleKind::kNewsSentiment) {
      const bool beyond = directed(rule.direction, s, -s) >= rule.level;
      // Articles are separate events: no hysteresis, only cool-down and once.
      if (!try_fire(rule, rt, beyond, true, ts)) continue;
      std::snprintf(buf, sizeof buf, " in the news (sentiment %+.2f): ", s);
      text = buf + article.article.title;
    } else {
      if (!(s <= -rule.level)) continue;
      // The price side: a drop already seen within the window before the article.
      const auto range = window_range(rt);
      const bool dropped = range && m.last_price > 0 && std::abs(ts - m.last_ts) <= rule.window_ms &&
                           (range->high - m.last_price) / range->high * 100.0 >= rule.drop_pct;
      if (!dropped) {
        rt.news_ts = ts;  // waits for a drop within the window after it
        rt.news_sentiment = s;
        continue;
      }
      if (!try_fire(rule, rt, true, true, ts)) continue;
      rt.news_ts = 0;
      const double down = (range->high - m.last_price) / range->high * 100.0;
      std::snprintf(buf, sizeof buf, " fell %.2f%% (from %s to %s) within %lld minutes before negative news (%+.2f): ",
                    down, format_price(range->high).c_str(), format_price(m.last_price).c_str(),
                    static_cast<long long>(rule.window_ms / 60'000), s);
      text = buf + article.article.title;
    }
    model::Alert a = make_alert(rule, symbol, m, event_id, ts);
    a.sentiment = s;
    a.message = a.company_name.value_or(symbol) + text;
    if (rule.kind == model::RuleKind::kCompositeNewsDrop) {
      const auto range = window_range(rt);
      a.reference_price = range->high;
      a.change_pct = (m.last_price - range->high) / range->high * 100.0;
    }
    append_since_open(a, m);
    out.push_back(std::move(a));
  }
}

void RuleEngine::on_indicator(const model::EconomicIndicator& release, std::vector<model::Alert>& out) {
  for (const auto& rule : rules_->indicators) {
    if (rule.indicator != release.indicator) continue;
    RuleRuntime& rt = indicator_states_[rule.key];
    indicators_changed_ = true;
    const bool beyond = rule.direction == Direction::kUp ? release.value > rule.level : release.value < rule.level;
    // Releases are separate events: no hysteresis, only cool-down and once.
    if (!try_fire(rule, rt, beyond, true, release.released_ts)) continue;
    model::Alert a;
    a.alert_id = "a-" + std::to_string(rule.user.value()) + "-" + std::to_string(rule.rule_id->value()) + "-i" +
                 release.id;
    a.user_id = rule.user;
    a.rule_id = rule.rule_id;
    a.kind = rule.kind;
    a.threshold = rule.level;
    a.event_ts = release.released_ts;
    char buf[160];
    std::snprintf(buf, sizeof buf, " for %s: %g %s, %s the threshold of %g", release.period.c_str(), release.value,
                  release.unit.c_str(), rule.direction == Direction::kUp ? "above" : "below", rule.level);
    a.message = release.indicator + buf;
    out.push_back(std::move(a));
  }
}

}  // namespace st::process
