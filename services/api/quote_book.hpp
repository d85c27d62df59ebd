#pragma once
// The latest quote of every symbol, in memory, for GET /api/quotes: seeded
// from PostgreSQL at start, then kept current by a Kafka reader of
// stock-prices (QuoteFeed). Thread-safe: the feed writes, request threads
// read.
#include <functional>
#include <optional>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::api {

class QuoteBook {
 public:
  /// Keeps `tick` if it is the symbol's latest by event time.
  void update(const model::PriceTick& tick);
  /// Appends the JSON object of each known symbol's quote, comma-separated,
  /// to `out` in the order asked, and the unknown symbols to `missing`.
  /// The objects are serialized once per tick (in update), not per request.
  void append_json(const std::vector<std::string_view>& symbols, std::string& out,
                   std::vector<std::string_view>& missing) const;
  [[nodiscard]] std::size_t size() const;
  /// The event time of the symbol's latest quote, if it has one.
  [[nodiscard]] std::optional<EpochMs> latest_ts(std::string_view symbol) const;

 private:
  struct Quote {
    model::PriceTick tick;
    std::string json;  // the tick as GET /api/quotes returns it
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Quote, Hash, std::equal_to<>> quotes_;
};

/// One quote as a JSON object.
std::string quote_json(const model::PriceTick& q);

/// Seeds `book` with each company's latest stored tick, then follows
/// stock-prices from its end (no consumer group: every api instance reads
/// all partitions) until `stop`. Runs on its own thread.
/// `on_tick` also sees every tick read (the WebSocket fan-out), so
/// stock-prices is read once per process; `on_batch_end` runs after each
/// polled batch's ticks (the fan-out then starts the batch's writes).
void run_quote_feed(const std::string& database_url, const std::string& bootstrap, QuoteBook& book,
                    std::stop_token stop, const std::function<void(const model::PriceTick&)>& on_tick = {},
                    const std::function<void()>& on_batch_end = {});

}  // namespace st::api
