#include "alpha_vantage.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <variant>

#include "new_york_time.hpp"
#include "stocktracker/base/time_format.hpp"

namespace st::ingest::providers::alpha_vantage {
namespace {

constexpr ProviderId kId = ProviderId::kAlphaVantage;
constexpr EpochMs kDayMs = 86'400'000;

httpclient::Request query(std::string_view base_url, std::vector<httpclient::Field> params, std::string_view api_key) {
  params.emplace_back("apikey", std::string(api_key));
  return {.url = std::string(base_url) + "/query", .query = std::move(params), .headers = {}};
}

bool contains(std::string_view text, std::string_view what) {
  return std::search(text.begin(), text.end(), what.begin(), what.end(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == (b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
         }) != text.end();
}

FetchResult refused(Outcome outcome, std::string_view text) {
  FetchResult r;
  r.outcome = outcome;
  r.detail = "alphavantage: " + std::string(text);
  return r;
}

}  // namespace

std::variant<boost::json::object, FetchResult> open_answer(const httpclient::Response& response,
                                                           std::string_view symbol, EpochMs now) {
  if (auto r = classify_status(kId, response, now)) return std::move(*r);
  if (response.status != 200) return refused(Outcome::kBadRequest, "HTTP " + std::to_string(response.status));
  auto value = parse_json_body(response.body);
  if (!value) return malformed(kId, "parse", value.error().message, response.body);
  if (!value->is_object()) return malformed(kId, "parse", "the answer is not a JSON object", response.body);
  auto& obj = value->as_object();

  if (const auto* note = obj.if_contains("Note"); note != nullptr && note->is_string()) {
    FetchResult r = refused(Outcome::kRateLimited, note->get_string());
    r.scope = RateLimitScope::kMinute;  // the per-minute throttle ("5 calls per minute")
    return r;
  }
  if (const auto* info = obj.if_contains("Information"); info != nullptr && info->is_string()) {
    const std::string_view text = info->get_string();
    if (contains(text, "per day")) {
      FetchResult r = refused(Outcome::kRateLimited, text);
      r.scope = RateLimitScope::kDay;
      return r;
    }
    if (contains(text, "premium endpoint") || contains(text, "api key") || contains(text, "apikey")) {
      return refused(Outcome::kBadRequest, text);
    }
    FetchResult r = refused(Outcome::kRateLimited, text);  // "spread out your requests" and the like
    r.scope = RateLimitScope::kMinute;
    return r;
  }
  if (const auto* error = obj.if_contains("Error Message"); error != nullptr && error->is_string()) {
    const std::string_view text = error->get_string();
    if (contains(text, "Invalid API call")) {
      FetchResult r = refused(Outcome::kBadSymbol, text);
      r.rejected.push_back({"rejected: alphavantage: unknown symbol " + std::string(symbol), response.body});
      return r;
    }
    return refused(Outcome::kBadRequest, text);
  }
  return std::move(obj);
}

namespace {

/// A string member, or nullptr.
const boost::json::string* text_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

/// A member that must be an object; an empty `prefix` match takes the first
/// key starting with `key` ("Time Series (" for "Time Series (5min)").
const boost::json::object* object_field(const boost::json::object& o, std::string_view key, bool prefix = false) {
  for (const auto& [k, v] : o) {
    if ((prefix ? std::string_view(k).starts_with(key) : std::string_view(k) == key) && v.is_object()) {
      return &v.as_object();
    }
  }
  return nullptr;
}

std::string bad_field(std::string_view where, std::string_view field, std::string_view problem) {
  return std::string(where) + "." + std::string(field) + ": " + std::string(problem);
}

/// "YYYY-MM-DD" as days since 1970-01-01.
std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-') return std::nullopt;
  const auto midnight = parse_time(text);
  if (!midnight) return std::nullopt;
  return *midnight / kDayMs;
}

/// The event time of a session on `day`: its close, or `now` while it is open.
EpochMs session_time(std::int64_t day, EpochMs now) { return std::min(now, new_york_close_utc(day)); }

model::PriceTick make_tick(std::string_view symbol, double price, std::int64_t volume, EpochMs ts) {
  return {.symbol = std::string(symbol), .price = price, .volume = volume, .ts = ts,
          .source = std::string(model::to_string(kId)), .currency = "USD"};
}

/// Checks "2. Symbol" and "<n>. Time Zone" of a series' "Meta Data"; an
/// error message when they are not what was asked for.
std::optional<std::string> check_meta(const boost::json::object& obj, std::string_view symbol) {
  const auto* meta = object_field(obj, "Meta Data");
  if (meta == nullptr) return "Meta Data: missing";
  const auto* echoed = text_field(*meta, "2. Symbol");
  if (echoed == nullptr) return bad_field("Meta Data", "2. Symbol", "missing");
  if (canonical_symbol(*echoed) != canonical_symbol(symbol)) {
    return bad_field("Meta Data", "2. Symbol", "the answer is for " + std::string(*echoed));
  }
  for (const auto& [k, v] : *meta) {
    if (std::string_view(k).ends_with(". Time Zone") && !(v.is_string() && v.get_string() == "US/Eastern")) {
      return bad_field("Meta Data", k, "expected US/Eastern (got " + boost::json::serialize(v) + ")");
    }
  }
  return std::nullopt;
}

/// Reads "Time Series (...)": `time_of(key)` gives a row's event time.
template <class TimeOf>
FetchResult read_series(const httpclient::Response& response, std::string_view symbol, EpochMs now, TimeOf time_of) {
  auto opened = open_answer(response, symbol, now);
  if (auto* done = std::get_if<FetchResult>(&opened)) return std::move(*done);
  const auto& obj = std::get<boost::json::object>(opened);
  if (auto problem = check_meta(obj, symbol)) return malformed(kId, "schema", *problem, response.body);
  const auto* series = object_field(obj, "Time Series (", true);
  if (series == nullptr) return malformed(kId, "schema", "Time Series: missing", response.body);

  FetchResult r;
  for (const auto& [key, row] : *series) {
    const std::string row_text = boost::json::serialize(boost::json::object{{key, row}});
    auto reject = [&](std::string_view field, std::string_view problem) {
      r.rejected.push_back({"schema: alphavantage: " + bad_field(key, field, problem), row_text});
    };
    const auto ts = time_of(std::string_view(key));
    if (!ts) {
      reject("time", "not a YYYY-MM-DD[ hh:mm:ss] time");
      continue;
    }
    const auto* fields = row.if_object();
    const auto* close = fields != nullptr ? text_field(*fields, "4. close") : nullptr;
    const auto* volume = fields != nullptr ? text_field(*fields, "5. volume") : nullptr;
    const auto price = close != nullptr ? parse_decimal(*close) : std::nullopt;
    const auto count = volume != nullptr ? parse_count(*volume) : std::nullopt;
    if (!price) {
      reject("4. close", "must be a decimal number in a string");
    } else if (!count) {
      reject("5. volume", "must be a non-negative integer in a string");
    } else {
      accept_tick(r, make_tick(symbol, *price, *count, *ts), row_text);
    }
  }
  std::sort(r.ticks.begin(), r.ticks.end(), [](const auto& a, const auto& b) { return a.ts < b.ts; });
  finish_rows(r, kId);
  return r;
}

}  // namespace

httpclient::Request quote_request(std::string_view base_url, std::string_view api_key, std::string_view symbol) {
  return query(base_url, {{"function", "GLOBAL_QUOTE"}, {"symbol", std::string(symbol)}}, api_key);
}

httpclient::Request intraday_request(std::string_view base_url, std::string_view api_key, std::string_view symbol,
                                     std::string_view interval, bool full) {
  return query(base_url,
               {{"function", "TIME_SERIES_INTRADAY"},
                {"symbol", std::string(symbol)},
                {"interval", std::string(interval)},
                {"outputsize", full ? "full" : "compact"}},
               api_key);
}

httpclient::Request daily_request(std::string_view base_url, std::string_view api_key, std::string_view symbol,
                                  bool full) {
  return query(base_url,
               {{"function", "TIME_SERIES_DAILY"}, {"symbol", std::string(symbol)}, {"outputsize", full ? "full" : "compact"}},
               api_key);
}

FetchResult read_quote(const httpclient::Response& response, std::string_view symbol, EpochMs now) {
  auto opened = open_answer(response, symbol, now);
  if (auto* done = std::get_if<FetchResult>(&opened)) return std::move(*done);
  const auto& obj = std::get<boost::json::object>(opened);
  const auto* quote = object_field(obj, "Global Quote");
  if (quote == nullptr) return malformed(kId, "schema", "Global Quote: missing", response.body);
  if (quote->empty()) {
    // Alpha Vantage's only answer for a symbol it does not know.
    FetchResult r = refused(Outcome::kBadSymbol, "no quote for " + std::string(symbol));
    r.rejected.push_back({"rejected: alphavantage: unknown symbol " + std::string(symbol), response.body});
    return r;
  }
  const auto* echoed = text_field(*quote, "01. symbol");
  const auto* price_text = text_field(*quote, "05. price");
  const auto* day_text = text_field(*quote, "07. latest trading day");
  if (echoed == nullptr || canonical_symbol(*echoed) != canonical_symbol(symbol)) {
    return malformed(kId, "schema", bad_field("Global Quote", "01. symbol", "missing or another symbol's"),
                     response.body);
  }
  const auto price = price_text != nullptr ? parse_decimal(*price_text) : std::nullopt;
  if (!price) {
    return malformed(kId, "schema", bad_field("Global Quote", "05. price", "must be a decimal number in a string"),
                     response.body);
  }
  const auto day = day_text != nullptr ? parse_day(*day_text) : std::nullopt;
  if (!day) {
    return malformed(kId, "schema", bad_field("Global Quote", "07. latest trading day", "must be YYYY-MM-DD"),
                     response.body);
  }
  FetchResult r;
  accept_tick(r, make_tick(symbol, *price, 0, session_time(*day, now)), response.body);
  finish_rows(r, kId);
  return r;
}

FetchResult read_intraday(const httpclient::Response& response, std::string_view symbol, EpochMs now) {
  return read_series(response, symbol, now, [](std::string_view key) -> std::optional<EpochMs> {
    return key.size() == 19 ? parse_new_york_time(key) : std::nullopt;
  });
}

FetchResult read_daily(const httpclient::Response& response, std::string_view symbol, EpochMs now) {
  return read_series(response, symbol, now, [now](std::string_view key) -> std::optional<EpochMs> {
    const auto day = parse_day(key);
    if (!day) return std::nullopt;
    return session_time(*day, now);
  });
}

}  // namespace st::ingest::providers::alpha_vantage
