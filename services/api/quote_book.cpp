#include "quote_book.hpp"

#include <chrono>
#include <mutex>

#include "api_metrics.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::api {

std::string quote_json(const model::PriceTick& q) {
  std::string body = "{\"symbol\":";
  append_json_string(body, q.symbol);
  body += ",\"price\":";
  body += std::to_string(q.price);
  body += ",\"volume\":";
  body += std::to_string(q.volume);
  body += ",\"ts\":";
  body += std::to_string(q.ts);
  body += ",\"source\":";
  append_json_string(body, q.source);
  body += ",\"currency\":";
  append_json_string(body, q.currency);
  body += "}";
  return body;
}

void QuoteBook::update(const model::PriceTick& tick) {
  // Serialized before the lock, so readers never wait on it.
  Quote quote{tick, quote_json(tick)};
  std::unique_lock lock(mutex_);
  auto it = quotes_.find(std::string_view(tick.symbol));
  if (it == quotes_.end()) {
    quotes_.emplace(tick.symbol, std::move(quote));
  } else if (tick.ts >= it->second.tick.ts) {
    it->second = std::move(quote);
  }
}

void QuoteBook::append_json(const std::vector<std::string_view>& symbols, std::string& out,
                            std::vector<std::string_view>& missing) const {
  std::shared_lock lock(mutex_);
  bool first = true;
  for (const auto s : symbols) {
    const auto it = quotes_.find(s);
    if (it == quotes_.end()) {
      missing.push_back(s);
      continue;
    }
    if (!first) out.push_back(',');
    first = false;
    out += it->second.json;
  }
}

std::optional<EpochMs> QuoteBook::latest_ts(std::string_view symbol) const {
  std::shared_lock lock(mutex_);
  const auto it = quotes_.find(symbol);
  if (it == quotes_.end()) return std::nullopt;
  return it->second.tick.ts;
}

std::size_t QuoteBook::size() const {
  std::shared_lock lock(mutex_);
  return quotes_.size();
}

namespace {

void seed(const std::string& database_url, QuoteBook& book) {
  auto conn = pg::Connection::connect(database_url);
  if (!conn) {
    log::warn("quotes not seeded from the database", {{"error", conn.error().message}});
    return;
  }
  // One index probe per company (newest tick first), not a scan of history.
  auto rows = conn->exec(
      "SELECT c.symbol, p.ts_ms, p.price, p.volume, p.source, p.currency FROM companies c "
      "CROSS JOIN LATERAL (SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, price::float8 AS price, volume, "
      "                           source, currency FROM stock_prices WHERE symbol = c.symbol "
      "                    ORDER BY ts DESC LIMIT 1) p");
  if (!rows) {
    log::warn("quotes not seeded from the database", {{"error", rows.error().message}});
    return;
  }
  for (int i = 0; i < rows->size(); ++i) {
    book.update({std::string(rows->get(i, 0)), rows->get_double(i, 2), rows->get_int(i, 3), rows->get_int(i, 1),
                 std::string(rows->get(i, 4)), std::string(rows->get(i, 5))});
  }
}

}  // namespace

void run_quote_feed(const std::string& database_url, const std::string& bootstrap, QuoteBook& book,
                    std::stop_token stop, const std::function<void(const model::PriceTick&)>& on_tick,
                    const std::function<void()>& on_batch_end) {
  using namespace std::chrono_literals;
  seed(database_url, book);
  auto backoff = 500ms;
  while (!stop.stop_requested()) {
    auto admin = kafka::Admin::create(bootstrap);
    auto ends = admin ? (*admin)->end_offsets(std::string(model::topic::kStockPrices), 10s)
                      : Result<std::vector<kafka::TopicPartition>>(std::unexpected(admin.error()));
    auto reader = kafka::Consumer::create(bootstrap, "stocktracker-api-quotes", {});
    if (!ends || !reader || !(*reader)->assign(*ends)) {
      log::warn("quote feed not started; retrying", {{"error", !ends ? ends.error().message : "consumer"}});
      count_dependency_error(Dependency::kKafka);
      sleep_unless_stopped(backoff, stop);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10s));
      continue;
    }
    log::info("quote feed following stock-prices", {{"seeded", static_cast<std::int64_t>(book.size())}});
    while (!stop.stop_requested()) {
      for (auto& m : (*reader)->poll_batch(10000, 200ms)) {
        if (m.error()) {
          count_dependency_error(Dependency::kKafka);
          continue;
        }
        if (auto t = model::decode_tick(m.payload())) {  // bad ones are the store's to dead-letter
          book.update(*t);
          if (on_tick) on_tick(*t);
        }
      }
      if (on_batch_end) on_batch_end();
    }
    (*reader)->close();
  }
}

}  // namespace st::api
