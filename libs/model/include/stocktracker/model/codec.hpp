#pragma once
// One codec per message type of the market-data topics (the alerting ones
// are in alert_codec.hpp): decode = parse + validate against the topic's
// schema. An error message is "<code>: <detail>" with the codes of
// schemas/dlq-headers.md (parse, schema, version, oversize) and names the
// field, e.g. "schema: price: must be greater than 0". Encoding a value
// that decode accepted gives a message decode accepts again.
#include <string>
#include <string_view>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::model {

/// Larger messages are rejected before parsing (they go to the DLQ).
inline constexpr std::size_t kMaxMessageBytes = 1 << 20;

Result<PriceTick> decode_tick(std::string_view json);
std::string encode(const PriceTick& tick);
/// Appends the encoding to `out` (no allocation when `out` has capacity).
void encode_to(std::string& out, const PriceTick& tick);

Result<NewsArticle> decode_news(std::string_view json);
std::string encode(const NewsArticle& article);

Result<ScoredArticle> decode_scored_news(std::string_view json);
std::string encode(const ScoredArticle& article);

Result<EconomicIndicator> decode_indicator(std::string_view json);
std::string encode(const EconomicIndicator& indicator);

Result<Candle> decode_candle(std::string_view json);
std::string encode(const Candle& candle);
/// price-candles-1h and price-candles-1d: the same message over a UTC hour
/// or a New York calendar day (midnight to midnight: 23, 24 or 25 hours).
Result<Candle> decode_hour_candle(std::string_view json);
Result<Candle> decode_day_candle(std::string_view json);

/// Hex id of a news article: the first 16 bytes of FNV-1a-128 would do, but
/// we use two independent 64-bit FNV-1a passes for a stable 32-hex-char id.
std::string article_id_for_url(std::string_view url);

}  // namespace st::model
