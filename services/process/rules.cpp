#include "rules.hpp"

#include <boost/json/parse.hpp>
#include <cmath>
#include <cstdio>

#include "stocktracker/model/market_time.hpp"

namespace st::process {
namespace {

constexpr double kLevelHysteresis = 0.002;  // 0.2% of the level
constexpr double kPctRearmRatio = 0.8;      // re-arm below 80% of the threshold

std::optional<double> number_param(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

std::string format_price(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
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
    if (spec.state != model::RuleState::kActive || !spec.symbol) continue;
    const bool price_rule = spec.kind == model::RuleKind::kPriceAbove || spec.kind == model::RuleKind::kPriceBelow;
    if (!price_rule && spec.kind != model::RuleKind::kPctChangePrevClose) continue;  // evaluated elsewhere
    auto report = [&](const std::string& what) {
      if (errors != nullptr) errors->push_back("rule " + std::to_string(spec.id.value()) + ": " + what);
    };
    boost::system::error_code ec;
    const auto params = boost::json::parse(spec.params, ec);
    if (ec || !params.is_object()) {
      report("params must be a JSON object");
      continue;
    }
    CompiledRule r;
    r.user = prefs.user_id;
    r.rule_id = spec.id;
    r.symbol = *spec.symbol;
    r.kind = spec.kind;
    r.repeat = spec.repeat_mode;
    r.cooldown_ms = spec.cooldown_seconds * 1000;
    const auto level = number_param(params.as_object(), price_rule ? "price" : "threshold_pct");
    if (!level || !(*level > 0) || !std::isfinite(*level)) {
      report(price_rule ? "params.price must be a number above 0" : "params.threshold_pct must be a number above 0");
      continue;
    }
    r.level = *level;
    r.key = rule_key(r);
    if (!price_rule) {
      const auto* dir = params.as_object().if_contains("direction");
      if (dir != nullptr && dir->is_string()) {
        const std::string_view d = dir->get_string();
        if (d == "up") {
          r.direction = Direction::kUp;
        } else if (d == "down") {
          r.direction = Direction::kDown;
        } else if (d != "both") {
          report("params.direction must be up, down or both");
          continue;
        }
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

void RuleEngine::set_rules(const std::vector<CompiledRule>& rules) {
  rules_by_symbol_.clear();
  for (const auto& r : rules) rules_by_symbol_[r.symbol].push_back(r);
}

std::size_t RuleEngine::rule_count() const {
  std::size_t n = 0;
  for (const auto& [s, list] : rules_by_symbol_) n += list.size();
  return n;
}

const SymbolState* RuleEngine::state_of(const std::string& symbol) const {
  auto it = states_.find(symbol);
  return it == states_.end() ? nullptr : &it->second;
}

void RuleEngine::on_tick(const model::PriceTick& tick, std::int32_t partition, std::int64_t offset,
                         std::vector<model::Alert>& out) {
  SymbolState& state = states_[tick.symbol];
  MarketState& m = state.market;
  const std::int64_t day = model::new_york_day(tick.ts);
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

  auto rules = rules_by_symbol_.find(tick.symbol);
  if (rules == rules_by_symbol_.end()) return;
  for (const auto& rule : rules->second) {
    RuleRuntime& rt = state.rules[rule.key];
    if (rt.done) continue;
    bool condition = false;
    bool rearm = false;
    double reference = 0;
    double change_pct = 0;
    switch (rule.kind) {
      case model::RuleKind::kPriceAbove:
        condition = tick.price > rule.level;
        rearm = tick.price < rule.level * (1 - kLevelHysteresis);
        reference = rule.level;
        break;
      case model::RuleKind::kPriceBelow:
        condition = tick.price < rule.level;
        rearm = tick.price > rule.level * (1 + kLevelHysteresis);
        reference = rule.level;
        break;
      default: {  // pct_change_prev_close (the only other kind compiled here)
        reference = m.prev_close;
        change_pct = reference > 0 ? (tick.price - reference) / reference * 100.0 : 0.0;
        const double move = rule.direction == Direction::kUp     ? change_pct
                            : rule.direction == Direction::kDown ? -change_pct
                                                                 : std::abs(change_pct);
        condition = move >= rule.level;
        rearm = new_day || move < rule.level * kPctRearmRatio;
        break;
      }
    }
    if (!rt.armed) {
      if (!rearm) continue;
      rt.armed = true;
    }
    if (!condition) continue;
    if (rt.last_fired != 0 && tick.ts - rt.last_fired < rule.cooldown_ms) continue;  // cooling down
    rt.armed = false;
    rt.last_fired = tick.ts;
    if (rule.repeat == model::RepeatMode::kOnce) rt.done = true;

    model::Alert a;
    a.alert_id = "a-" + std::to_string(rule.user.value()) + "-" +
                 (rule.rule_id ? std::to_string(rule.rule_id->value()) : std::string("d")) + "-" + tick.symbol + "-" +
                 std::to_string(partition) + "-" + std::to_string(offset);
    a.user_id = rule.user;
    a.rule_id = rule.rule_id;
    a.kind = rule.kind;
    a.symbol = tick.symbol;
    if (auto c = companies_.find(tick.symbol); c != companies_.end()) {
      a.company_name = c->second.name;
      if (!c->second.sector.empty()) a.sector = c->second.sector;
    }
    a.price = tick.price;
    a.reference_price = reference;
    a.change_pct = m.prev_close > 0 ? (tick.price - m.prev_close) / m.prev_close * 100.0 : 0.0;
    a.threshold = rule.level;
    a.event_ts = tick.ts;
    const std::string name = a.company_name.value_or(tick.symbol);
    switch (rule.kind) {
      case model::RuleKind::kPriceAbove:
        a.message = name + " rose above " + format_price(rule.level) + " to " + format_price(tick.price);
        break;
      case model::RuleKind::kPriceBelow:
        a.message = name + " fell below " + format_price(rule.level) + " to " + format_price(tick.price);
        break;
      default: {
        char buf[128];
        std::snprintf(buf, sizeof buf, " moved %+.2f%% from the previous close (%s) to %s", change_pct,
                      format_price(reference).c_str(), format_price(tick.price).c_str());
        a.message = name + buf;
      }
    }
    // Since-open context, e.g. "; +1.20% since the open".
    if (m.day_open > 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "; %+.2f%% since the open", (tick.price - m.day_open) / m.day_open * 100.0);
      a.message += buf;
    }
    out.push_back(std::move(a));
  }
}

}  // namespace st::process
