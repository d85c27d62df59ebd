#include "rule_state_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

namespace st::process {
namespace {

namespace json = boost::json;

double number(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  throw std::invalid_argument("not a number");
}

json::object encode_runtime(const RuleRuntime& rt) {
  json::object r{{"armed", rt.armed}, {"done", rt.done}, {"last_fired", rt.last_fired}};
  if (rt.head != 0) r["head"] = rt.head;
  if (!rt.values.empty()) r["values"] = json::array(rt.values.begin(), rt.values.end());
  if (!rt.closes.empty()) r["closes"] = json::array(rt.closes.begin(), rt.closes.end());
  if (rt.fast_ma != 0 || rt.slow_ma != 0) {
    r["fast_ma"] = rt.fast_ma;
    r["slow_ma"] = rt.slow_ma;
  }
  if (rt.side != 0) r["side"] = rt.side;
  if (rt.news_ts != 0) {
    r["news_ts"] = rt.news_ts;
    r["news_sentiment"] = rt.news_sentiment;
  }
  return r;
}

RuleRuntime decode_runtime(const json::object& o) {
  RuleRuntime rt;
  rt.armed = o.at("armed").as_bool();
  rt.done = o.at("done").as_bool();
  rt.last_fired = o.at("last_fired").as_int64();
  if (const auto* v = o.if_contains("head")) rt.head = v->as_int64();
  if (const auto* v = o.if_contains("values")) {
    for (const auto& x : v->as_array()) rt.values.push_back(number(x));
  }
  if (const auto* v = o.if_contains("closes")) {
    for (const auto& x : v->as_array()) rt.closes.push_back(static_cast<float>(number(x)));
  }
  if (const auto* v = o.if_contains("fast_ma")) rt.fast_ma = number(*v);
  if (const auto* v = o.if_contains("slow_ma")) rt.slow_ma = number(*v);
  if (const auto* v = o.if_contains("side")) rt.side = static_cast<int>(v->as_int64());
  if (const auto* v = o.if_contains("news_ts")) rt.news_ts = v->as_int64();
  if (const auto* v = o.if_contains("news_sentiment")) rt.news_sentiment = number(*v);
  return rt;
}

json::object encode_runtimes(const std::map<std::string, RuleRuntime>& rules) {
  json::object out;
  for (const auto& [key, rt] : rules) out[key] = encode_runtime(rt);
  return out;
}

void decode_runtimes(const json::object& o, std::map<std::string, RuleRuntime>& rules) {
  for (const auto& [key, v] : o) rules[std::string(key)] = decode_runtime(v.as_object());
}

}  // namespace

void encode_rule_state(const SymbolState& state, json::object& o) {
  const auto& m = state.market;
  json::object market{{"last", m.last_price}, {"prev_close", m.prev_close}, {"open", m.day_open}, {"day", m.day}};
  if (m.last_ts != 0) market["last_ts"] = m.last_ts;
  if (m.last_candle != 0) market["last_candle"] = m.last_candle;
  if (m.sentiment) market["sentiment"] = *m.sentiment;
  o["market"] = std::move(market);
  o["rules"] = encode_runtimes(state.rules);
}

std::string encode_indicator_state(const std::map<std::string, RuleRuntime>& states) {
  return json::serialize(json::object{{"v", 1}, {"rules", encode_runtimes(states)}});
}

std::map<std::string, RuleRuntime> decode_indicator_state(std::string_view text) {
  std::map<std::string, RuleRuntime> states;
  const json::object o = json::parse(text).as_object();
  if (o.at("v").as_int64() != 1) throw std::invalid_argument("unknown state version");
  decode_runtimes(o.at("rules").as_object(), states);
  return states;
}

void decode_rule_state(const json::object& o, SymbolState& state) {
  if (const auto* m = o.if_contains("market")) {
    const auto& mo = m->as_object();
    auto& market = state.market;
    market.last_price = number(mo.at("last"));
    market.prev_close = number(mo.at("prev_close"));
    market.day_open = number(mo.at("open"));
    market.day = mo.at("day").as_int64();
    if (const auto* v = mo.if_contains("last_ts")) market.last_ts = v->as_int64();
    if (const auto* v = mo.if_contains("last_candle")) market.last_candle = v->as_int64();
    if (const auto* v = mo.if_contains("sentiment")) market.sentiment = number(*v);
  }
  if (const auto* r = o.if_contains("rules")) decode_runtimes(r->as_object(), state.rules);
}

}  // namespace st::process
