#pragma once
// The market-data messages carried on Kafka topics (DESIGN.md §4), as plain
// values; the alerting ones are in alert_messages.hpp. Field names match
// schemas/<topic>.schema.json exactly.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::model {

inline constexpr int kSchemaVersion = 1;

/// One trade or quote. `price` is in `currency` units per share; `volume`
/// is shares traded since the previous tick of the same source.
struct PriceTick {
  std::string symbol;
  double price = 0;
  std::int64_t volume = 0;
  EpochMs ts = 0;  // event time, UTC epoch ms
  std::string source;
  std::string currency = "USD";
  bool operator==(const PriceTick&) const = default;
};

struct NewsArticle {
  std::string id;  // hex hash of the URL
  std::string url;
  std::string title;
  std::string summary;
  std::string source;
  EpochMs published_ts = 0;
  std::vector<std::string> symbols;
  bool operator==(const NewsArticle&) const = default;
};

enum class SentimentLabel { kPositive, kNegative, kNeutral };
template <>
struct EnumNames<SentimentLabel> {
  static constexpr std::array<std::string_view, 3> kNames{"positive", "negative", "neutral"};
};

/// A news-scored message: the article as ingested, plus its sentiment.
struct ScoredArticle {
  NewsArticle article;
  double sentiment = 0;  // -1 (very negative) to 1 (very positive)
  SentimentLabel label = SentimentLabel::kNeutral;
  bool operator==(const ScoredArticle&) const = default;
};

struct EconomicIndicator {
  std::string id;         // "<indicator>:<period>"
  std::string indicator;  // CPI, REAL_GDP, ...
  std::string period;     // YYYY-MM-DD
  double value = 0;
  std::string unit;
  std::string source;
  EpochMs released_ts = 0;
  bool operator==(const EconomicIndicator&) const = default;
};

/// Length of a price-candles-5m window; start_ts and end_ts are multiples.
inline constexpr EpochMs kCandleWindowMs = 300'000;
/// Length of a price-candles-1h bucket (UTC hours).
inline constexpr EpochMs kCandleHourMs = 3'600'000;

/// One 5-minute event-time window of one symbol: [start_ts, end_ts). Prices
/// are in the ticks' currency. Emitted with final=false while late ticks may
/// still change it, then once with final=true.
struct Candle {
  std::string symbol;
  EpochMs start_ts = 0;
  EpochMs end_ts = 0;  // start_ts + kCandleWindowMs
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  std::int64_t volume = 0;     // sum of tick volumes
  std::optional<double> vwap;  // volume-weighted average price; nullopt iff volume is 0
  std::int64_t ticks = 0;
  bool final = false;
  bool operator==(const Candle&) const = default;
};

}  // namespace st::model
