#include "stocktracker/model/rule_params.hpp"

#include <cmath>
#include <initializer_list>
#include <optional>

#include "json_reader.hpp"

namespace st::model {
namespace {

namespace json = boost::json;
using Fail = std::unexpected<ParamError>;

Fail error(std::string_view key, std::string message) {
  return Fail(ParamError{"params." + std::string(key), std::move(message)});
}

/// A finite number in (min, max]; nullopt (with `err` set) otherwise, or
/// `fallback` when the key is absent and not required.
std::optional<double> number(const json::object& o, std::string_view key, std::optional<double> fallback,
                             double min, double max, std::string_view range, std::optional<Fail>& err) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    if (!fallback) err = error(key, "is required");
    return fallback;
  }
  const double d = v->is_number() ? v->to_number<double>() : std::nan("");
  if (!std::isfinite(d) || !(d > min) || d > max) {
    err = error(key, "must be a number " + std::string(range));
    return std::nullopt;
  }
  return d;
}

/// An integer from `min` to `max`; `fallback` when absent.
std::optional<std::int64_t> integer(const json::object& o, std::string_view key, std::int64_t fallback,
                                    std::int64_t min, std::int64_t max, std::optional<Fail>& err) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  std::int64_t i = 0;
  if (v->is_int64()) {
    i = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) {
    i = static_cast<std::int64_t>(v->get_uint64());
  } else {
    i = min - 1;
  }
  if (i < min || i > max) {
    err = error(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return i;
}

/// One of two words for up and down, or "both" (the default).
std::optional<MoveDirection> direction(const json::object& o, std::string_view up, std::string_view down,
                                       std::optional<Fail>& err) {
  const auto* v = o.if_contains("direction");
  if (v == nullptr) return MoveDirection::kBoth;
  const std::string_view s = v->is_string() ? std::string_view(v->get_string()) : std::string_view();
  if (s == up) return MoveDirection::kUp;
  if (s == down) return MoveDirection::kDown;
  if (s == "both") return MoveDirection::kBoth;
  err = error("direction", "must be " + std::string(up) + ", " + std::string(down) + " or both");
  return std::nullopt;
}

std::optional<Fail> unknown_key(const json::object& o, RuleKind kind, std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : o) {
    bool known = false;
    for (auto key : keys) known = known || key == std::string_view(k);
    if (!known) return error(k, "is not a parameter of " + std::string(to_string(kind)));
  }
  return std::nullopt;
}

}  // namespace

std::expected<RuleParams, ParamError> parse_rule_params(RuleKind kind, std::string_view params_json) {
  boost::system::error_code ec;
  const auto parsed = detail::parse_json(params_json, ec);  // thresholds exactly as written
  if (ec || !parsed.is_object()) return Fail(ParamError{"params", "must be an object"});
  const json::object& o = parsed.as_object();
  RuleParams p;
  std::optional<Fail> err;
  constexpr double kInf = HUGE_VAL;
  switch (kind) {
    case RuleKind::kPriceAbove:
    case RuleKind::kPriceBelow:
      if (auto e = unknown_key(o, kind, {"price"})) return *e;
      p.level = number(o, "price", std::nullopt, 0, kInf, "above 0", err).value_or(0);
      break;
    case RuleKind::kPctChangePrevClose:
      if (auto e = unknown_key(o, kind, {"threshold_pct", "direction"})) return *e;
      p.level = number(o, "threshold_pct", std::nullopt, 0, kInf, "above 0", err).value_or(0);
      if (!err) p.direction = direction(o, "up", "down", err).value_or(MoveDirection::kBoth);
      break;
    case RuleKind::kPctChangeWindow:
      if (auto e = unknown_key(o, kind, {"threshold_pct", "window_minutes", "direction"})) return *e;
      p.level = number(o, "threshold_pct", std::nullopt, 0, kInf, "above 0", err).value_or(0);
      if (!err) p.window_minutes = integer(o, "window_minutes", 15, 1, kMaxWindowMinutes, err).value_or(0);
      if (!err) p.direction = direction(o, "up", "down", err).value_or(MoveDirection::kBoth);
      break;
    case RuleKind::kVolumeSpike:
      if (auto e = unknown_key(o, kind, {"factor", "lookback_candles"})) return *e;
      p.level = number(o, "factor", std::nullopt, 1, kInf, "above 1", err).value_or(0);
      if (!err) p.lookback_candles = integer(o, "lookback_candles", 12, 2, kMaxLookbackCandles, err).value_or(0);
      break;
    case RuleKind::kMaCross: {
      if (auto e = unknown_key(o, kind, {"fast", "slow", "ma", "direction"})) return *e;
      p.fast = integer(o, "fast", 50, 1, kMaxMaPeriod - 1, err).value_or(0);
      if (!err) p.slow = integer(o, "slow", 200, 2, kMaxMaPeriod, err).value_or(0);
      if (!err && p.slow <= p.fast) return error("slow", "must be greater than fast");
      if (const auto* ma = o.if_contains("ma"); !err && ma != nullptr) {
        if (!ma->is_string() || (ma->get_string() != "sma" && ma->get_string() != "ema")) {
          return error("ma", "must be sma or ema");
        }
        p.ema = ma->get_string() == "ema";
      }
      if (!err) p.direction = direction(o, "up", "down", err).value_or(MoveDirection::kBoth);
      break;
    }
    case RuleKind::kNewsSentiment:
      if (auto e = unknown_key(o, kind, {"threshold", "direction"})) return *e;
      p.level = number(o, "threshold", std::nullopt, 0, 1, "above 0 and at most 1", err).value_or(0);
      if (!err) p.direction = direction(o, "positive", "negative", err).value_or(MoveDirection::kBoth);
      break;
    case RuleKind::kCompositeNewsDrop:
      if (auto e = unknown_key(o, kind, {"sentiment", "drop_pct", "window_minutes"})) return *e;
      p.level = number(o, "sentiment", 0.5, 0, 1, "above 0 and at most 1", err).value_or(0);
      if (!err) p.drop_pct = number(o, "drop_pct", std::nullopt, 0, 100, "above 0 and at most 100", err).value_or(0);
      if (!err) p.window_minutes = integer(o, "window_minutes", 60, 1, kMaxWindowMinutes, err).value_or(0);
      p.direction = MoveDirection::kDown;
      break;
    case RuleKind::kIndicatorThreshold: {
      if (auto e = unknown_key(o, kind, {"indicator", "threshold", "direction"})) return *e;
      const auto* name = o.if_contains("indicator");
      if (name == nullptr) return error("indicator", "is required");
      const std::string_view n = name->is_string() ? std::string_view(name->get_string()) : std::string_view();
      // The economic-indicators schema's pattern: ^[A-Z][A-Z0-9_]{1,63}$.
      if (n.size() < 2 || n.size() > 64 || n[0] < 'A' || n[0] > 'Z' ||
          n.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n.npos) {
        return error("indicator", "must be an indicator name such as CPI (A-Z, 0-9, _)");
      }
      p.indicator = std::string(n);
      // Indicators can be negative (GDP growth): any finite threshold.
      p.level = number(o, "threshold", std::nullopt, -kInf, kInf, "(finite)", err).value_or(0);
      if (err) break;
      const auto* d = o.if_contains("direction");
      const std::string_view dir = d != nullptr && d->is_string() ? std::string_view(d->get_string()) : "";
      if (dir != "above" && dir != "below") return error("direction", "must be above or below");
      p.direction = dir == "above" ? MoveDirection::kUp : MoveDirection::kDown;
      break;
    }
  }
  if (err) return *err;
  return p;
}

}  // namespace st::model
