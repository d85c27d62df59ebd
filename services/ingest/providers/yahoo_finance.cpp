#include "yahoo_finance.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cmath>

#include "new_york_time.hpp"

namespace st::ingest::providers::yahoo {
namespace {

constexpr ProviderId kId = ProviderId::kYahoo;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

FetchResult refused(Outcome outcome, std::string_view text) {
  FetchResult r;
  r.outcome = outcome;
  r.detail = "yahoo: " + std::string(text);
  return r;
}

/// Seconds per bar of an intraday granularity; 0 for daily and longer.
std::int64_t intraday_seconds(std::string_view granularity) {
  struct Step {
    std::string_view name;
    std::int64_t seconds;
  };
  static constexpr std::array<Step, 8> kSteps = {{{"1m", 60},
                                                  {"2m", 120},
                                                  {"5m", 300},
                                                  {"15m", 900},
                                                  {"30m", 1800},
                                                  {"60m", 3600},
                                                  {"90m", 5400},
                                                  {"1h", 3600}}};
  for (const auto& s : kSteps) {
    if (s.name == granularity) return s.seconds;
  }
  return 0;
}

/// Yahoo's minor-unit currencies: the ISO code and the divisor to it.
std::pair<std::string, double> major_currency(std::string_view currency) {
  if (currency == "GBp") return {"GBP", 100};
  if (currency == "ZAc") return {"ZAR", 100};
  if (currency == "ILA") return {"ILS", 100};
  return {std::string(currency), 1};
}

/// A JSON number (integer or not), or nullopt for anything else.
std::optional<double> number(const boost::json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

/// Seconds since the epoch, whole and within the schemas' times (1970 to
/// 9999-12-31), or nullopt: converting a larger double to an integer is
/// undefined behaviour (found by tests/fuzz/provider_responses).
std::optional<std::int64_t> epoch_seconds(std::optional<double> v) {
  constexpr double kLastSecond = 253402300799;  // 9999-12-31T23:59:59Z
  if (!v || *v != std::floor(*v) || *v < 0 || *v > kLastSecond) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

/// An exchange's UTC offset in whole seconds, at most a day either way.
std::optional<std::int64_t> utc_offset_seconds(std::optional<double> v) {
  if (!v || *v != std::floor(*v) || std::abs(*v) > 86'400) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

const boost::json::array* array_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

/// Why a chart.error answer failed, and what that means for the failover.
FetchResult chart_error(const boost::json::object& error, const httpclient::Response& response,
                        std::string_view symbol) {
  const auto* code = error.if_contains("code");
  const auto* description = error.if_contains("description");
  const std::string code_text = code != nullptr && code->is_string() ? std::string(code->get_string()) : "?";
  const std::string text =
      code_text + ": " + (description != nullptr && description->is_string() ? std::string(description->get_string()) : "");
  if (code_text == "Not Found" || response.status == 404) {
    FetchResult r = refused(Outcome::kBadSymbol, text);
    r.rejected.push_back({"rejected: yahoo: unknown symbol " + std::string(symbol) + " (" + text + ")", response.body});
    return r;
  }
  return refused(response.status >= 500 ? Outcome::kServerError : Outcome::kBadRequest, text);
}

}  // namespace

std::string yahoo_symbol(std::string_view symbol) {
  std::string out(symbol);
  for (char& c : out) {
    if (c == '.') c = '-';
  }
  return out;
}

httpclient::Request chart_request(std::string_view base_url, std::string_view symbol, std::string_view interval,
                                  std::string_view range) {
  return {.url = std::string(base_url) + "/v8/finance/chart/" + httpclient::percent_encode(yahoo_symbol(symbol)),
          .query = {{"interval", std::string(interval)}, {"range", std::string(range)}, {"includePrePost", "false"}},
          .headers = {{"Accept", "application/json"}}};
}

httpclient::Request quote_request(std::string_view base_url, std::string_view symbol) {
  return chart_request(base_url, symbol, "1m", "1d");
}

FetchResult read_chart(const httpclient::Response& response, std::string_view symbol, EpochMs now) {
  if (auto r = classify_status(kId, response, now)) return std::move(*r);
  auto value = parse_json_body(response.body);
  if (!value) {
    if (response.status != 200) return refused(Outcome::kBadRequest, "HTTP " + std::to_string(response.status));
    return malformed(kId, "parse", value.error().message, response.body);
  }
  const auto* chart = value->is_object() ? value->as_object().if_contains("chart") : nullptr;
  if (chart == nullptr || !chart->is_object()) return malformed(kId, "schema", "chart: missing", response.body);
  if (const auto* error = chart->as_object().if_contains("error"); error != nullptr && error->is_object()) {
    return chart_error(error->as_object(), response, symbol);
  }
  if (response.status != 200) return refused(Outcome::kBadRequest, "HTTP " + std::to_string(response.status));
  const auto* results = array_at(chart->as_object(), "result");
  if (results == nullptr || results->empty() || !results->front().is_object()) {
    return malformed(kId, "schema", "chart.result: missing or empty", response.body);
  }
  const auto& result = results->front().as_object();
  const auto* meta_value = result.if_contains("meta");
  if (meta_value == nullptr || !meta_value->is_object()) {
    return malformed(kId, "schema", "chart.result[0].meta: missing", response.body);
  }
  const auto& meta = meta_value->as_object();

  const auto* echoed = meta.if_contains("symbol");
  if (echoed == nullptr || !echoed->is_string() || canonical_symbol(echoed->get_string()) != canonical_symbol(symbol)) {
    return malformed(kId, "schema", "meta.symbol: missing or another symbol's", response.body);
  }
  const auto* currency_value = meta.if_contains("currency");
  if (currency_value == nullptr || !currency_value->is_string()) {
    return malformed(kId, "schema", "meta.currency: missing", response.body);
  }
  const auto [currency, divisor] = major_currency(currency_value->get_string());
  const auto* granularity = meta.if_contains("dataGranularity");
  const std::int64_t bar_seconds =
      granularity != nullptr && granularity->is_string() ? intraday_seconds(granularity->get_string()) : 60;
  const auto* offset_value = meta.if_contains("gmtoffset");
  const auto gmtoffset_s = offset_value != nullptr ? utc_offset_seconds(number(*offset_value)) : std::nullopt;
  const auto* market_time_value = meta.if_contains("regularMarketTime");
  const auto market_time_s = market_time_value != nullptr ? epoch_seconds(number(*market_time_value)) : std::nullopt;
  if (bar_seconds == 0 && !gmtoffset_s) {
    return malformed(kId, "schema", "meta.gmtoffset: needed to place daily bars", response.body);
  }

  auto make_tick = [&, currency = currency, divisor = divisor](double price, std::int64_t volume, EpochMs ts) {
    return model::PriceTick{.symbol = std::string(symbol), .price = price / divisor, .volume = volume, .ts = ts,
                            .source = std::string(model::to_string(kId)), .currency = currency};
  };

  FetchResult r;
  const auto* timestamps = array_at(result, "timestamp");
  if (timestamps == nullptr || timestamps->empty()) {
    // No bar yet today: the last price Yahoo knows, if it says when.
    const auto* price_value = meta.if_contains("regularMarketPrice");
    const auto price = price_value != nullptr ? number(*price_value) : std::nullopt;
    if (price && market_time_s) {
      accept_tick(r, make_tick(*price, 0, *market_time_s * 1000), boost::json::serialize(meta));
    }
    finish_rows(r, kId);
    return r;
  }
  const auto* indicators = result.if_contains("indicators");
  const auto* quotes = indicators != nullptr && indicators->is_object() ? array_at(indicators->as_object(), "quote")
                                                                        : nullptr;
  if (quotes == nullptr || quotes->empty() || !quotes->front().is_object()) {
    return malformed(kId, "schema", "indicators.quote[0]: missing", response.body);
  }
  const auto* closes = array_at(quotes->front().as_object(), "close");
  const auto* volumes = array_at(quotes->front().as_object(), "volume");
  if (closes == nullptr || volumes == nullptr || closes->size() != timestamps->size() ||
      volumes->size() != timestamps->size()) {
    return malformed(kId, "schema", "indicators.quote[0].close/volume: missing or not as long as timestamp",
                     response.body);
  }

  for (std::size_t i = 0; i < timestamps->size(); ++i) {
    const auto& t = (*timestamps)[i];
    const auto& c = (*closes)[i];
    const auto& v = (*volumes)[i];
    if (c.is_null()) continue;  // a minute without trades
    const std::string row_text = boost::json::serialize(boost::json::object{{"timestamp", t}, {"close", c}, {"volume", v}});
    const std::string at = "[" + std::to_string(i) + "]";
    const auto seconds = epoch_seconds(number(t));
    const auto price = number(c);
    const auto volume = v.is_null() ? std::optional<double>(0) : number(v);
    if (!seconds) {
      r.rejected.push_back({"schema: yahoo: timestamp" + at + ": must be whole seconds from 1970 to 9999", row_text});
      continue;
    }
    if (!price) {
      r.rejected.push_back({"schema: yahoo: close" + at + ": must be a number", row_text});
      continue;
    }
    if (!volume || *volume != std::floor(*volume) || *volume < 0 || *volume > 9e15) {
      r.rejected.push_back({"schema: yahoo: volume" + at + ": must be a non-negative integer", row_text});
      continue;
    }
    const std::int64_t start_s = *seconds;
    EpochMs ts = start_s * 1000;
    if (bar_seconds > 0) {
      if (market_time_s && start_s + bar_seconds > *market_time_s) continue;  // still forming
    } else {
      // The bar's exchange-local day; gmtoffset is today's offset, an hour
      // off across a DST change, which cannot move a session's open to
      // another day.
      const std::int64_t local_day = floor_div(start_s + *gmtoffset_s, 86'400);
      ts = std::min(now, new_york_close_utc(local_day));
    }
    accept_tick(r, make_tick(*price, static_cast<std::int64_t>(*volume), ts), row_text);
  }
  finish_rows(r, kId);
  return r;
}

}  // namespace st::ingest::providers::yahoo
