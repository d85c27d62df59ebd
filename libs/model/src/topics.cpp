#include "stocktracker/model/topics.hpp"

namespace st::model {

std::vector<TopicSpec> all_topics(int data_partitions) {
  const int p = data_partitions;
  constexpr std::int64_t kWeek = 7LL * 24 * 3600 * 1000;
  std::vector<TopicSpec> topics = {
      {std::string(topic::kStockPrices), p, false, kWeek},
      {std::string(topic::kNewsArticles), p, false, -1},
      {std::string(topic::kEconomicIndicators), 1, false, -1},
      // The latest preferences of every user: compacted, read as a table.
      {std::string(topic::kUserPreferences), p, true, -1},
      {std::string(topic::kPriceCandles5m), p, false, kWeek},
      {std::string(topic::kPriceCandles1h), p, false, kWeek},
      {std::string(topic::kPriceCandles1d), p, false, kWeek},
      {std::string(topic::kNewsScored), p, false, -1},
      {std::string(topic::kStockAlerts), p, false, -1},
      {std::string(topic::kNotifications), p, false, kWeek},
  };
  const std::size_t with_dlq = topics.size();
  topics.push_back({std::string(topic::kStockPricesLate), p, false, kWeek});
  topics.push_back({std::string(topic::kProcessChangelog), p, true, -1});
  for (std::size_t i = 0; i < with_dlq; ++i) {
    topics.push_back({dlq_topic(topics[i].name), 1, false, -1});
  }
  // Co-partitioned with stock-prices (same partition count), with a DLQ.
  topics.push_back({std::string(topic::kProcessNewsBySymbol), p, false, -1});
  topics.push_back({dlq_topic(topic::kProcessNewsBySymbol), 1, false, -1});
  return topics;
}

}  // namespace st::model
