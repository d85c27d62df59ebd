#pragma once
// The latest quote of every symbol, in memory, for GET /api/quotes: seeded
// from PostgreSQL at start, then kept current by a Kafka reader of
// stock-prices (QuoteFeed). Thread-safe: the feed writes, request threads
// read.
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::api {

class QuoteBook {
 public:
  /// Keeps `tick` if it is the symbol's latest by event time.
  void update(const model::PriceTick& tick);
  /// The quotes known for `symbols` (unknown ones are left out).
  [[nodiscard]] std::vector<model::PriceTick> get(const std::vector<std::string>& symbols) const;
  [[nodiscard]] std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, model::PriceTick> quotes_;
};

/// Seeds `book` with each company's latest stored tick, then follows
/// stock-prices from its end (no consumer group: every api instance reads
/// all partitions) until `stop`. Runs on its own thread.
void run_quote_feed(const std::string& database_url, const std::string& bootstrap, QuoteBook& book,
                    std::stop_token stop);

}  // namespace st::api
