#pragma once
// Alpha Vantage (https://www.alphavantage.co/documentation/): requests and
// the reading of its answers into ticks. Pure: the caller does the HTTP.
//
// Its answers are always HTTP 200; what went wrong is in the body:
//  - {"Note": "...call frequency is 5 calls per minute..."} and
//    {"Information": "...rate limit is 25 requests per day..."}: rate limited
//    (per minute or per day, from the text);
//  - {"Information": "...premium endpoint..."} or a demo/invalid key: bad request;
//  - {"Error Message": "the parameter apikey is invalid..."}: bad request;
//  - {"Error Message": "Invalid API call..."} for a well-formed call: the
//    symbol is unknown (Alpha Vantage gives no other sign of it);
//  - {"Global Quote": {}}: the symbol is unknown.
// Times are US/Eastern wall-clock times (see new_york_time.hpp); a daily
// bar's event time is that day's 16:00 close, and a quote's (which carries
// only its "latest trading day") is the fetch time, capped at that close.
// Prices are USD (the canonical symbols are US listings).
#include <boost/json/object.hpp>

#include <string_view>
#include <variant>

#include "provider.hpp"

namespace st::ingest::providers::alpha_vantage {

/// The answer's JSON object, or the final result when the answer is an
/// error, a rate limit or unreadable (the rules above; `symbol` names the
/// unknown symbol's dead letter). Shared by every Alpha Vantage function's reader.
std::variant<boost::json::object, FetchResult> open_answer(const httpclient::Response& response,
                                                           std::string_view symbol, EpochMs now);

/// GLOBAL_QUOTE: the latest price of one symbol.
httpclient::Request quote_request(std::string_view base_url, std::string_view api_key, std::string_view symbol);
/// TIME_SERIES_INTRADAY; `interval` is 1min, 5min, 15min, 30min or 60min.
httpclient::Request intraday_request(std::string_view base_url, std::string_view api_key, std::string_view symbol,
                                     std::string_view interval, bool full);
/// TIME_SERIES_DAILY (compact: the last 100 days; full: 20+ years).
httpclient::Request daily_request(std::string_view base_url, std::string_view api_key, std::string_view symbol,
                                  bool full);

/// One tick (volume 0: a quote's volume is the day's total, not a trade's).
FetchResult read_quote(const httpclient::Response& response, std::string_view symbol, EpochMs now);
/// One tick per bar (price = close, volume = the bar's), oldest first.
FetchResult read_intraday(const httpclient::Response& response, std::string_view symbol, EpochMs now);
FetchResult read_daily(const httpclient::Response& response, std::string_view symbol, EpochMs now);

}  // namespace st::ingest::providers::alpha_vantage
