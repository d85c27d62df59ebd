#pragma once
// Every Kafka topic of DESIGN.md §4 with its layout. `stocktracker topics`
// creates exactly these; services refer to topics through these constants.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace st::model {

namespace topic {
inline constexpr std::string_view kStockPrices = "stock-prices";
inline constexpr std::string_view kNewsArticles = "news-articles";
inline constexpr std::string_view kEconomicIndicators = "economic-indicators";
inline constexpr std::string_view kUserPreferences = "user-preferences";
inline constexpr std::string_view kPriceCandles5m = "price-candles-5m";
/// process: hourly (UTC) and daily (New York day) candles from the 5-minute ones.
inline constexpr std::string_view kPriceCandles1h = "price-candles-1h";
inline constexpr std::string_view kPriceCandles1d = "price-candles-1d";
inline constexpr std::string_view kNewsScored = "news-scored";
inline constexpr std::string_view kStockAlerts = "stock-alerts";
inline constexpr std::string_view kNotifications = "notifications";
/// process: ticks later than the allowed lateness (side output).
inline constexpr std::string_view kStockPricesLate = "stock-prices.late";
/// process: its keyed state, compacted, partitioned like stock-prices.
inline constexpr std::string_view kProcessChangelog = "process-changelog";
/// process: scored news re-keyed by symbol, partitioned like stock-prices,
/// so the news rules run where the symbol's state lives.
inline constexpr std::string_view kProcessNewsBySymbol = "process-news-by-symbol";
}  // namespace topic

struct TopicSpec {
  std::string name;
  int partitions = 1;
  bool compacted = false;
  std::int64_t retention_ms = -1;  // -1: broker default
};

/// The topics and their dead-letter twins (`<topic>.dlq`).
std::vector<TopicSpec> all_topics(int data_partitions);

inline std::string dlq_topic(std::string_view topic) { return std::string(topic) + ".dlq"; }

}  // namespace st::model
