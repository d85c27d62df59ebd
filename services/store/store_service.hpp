#pragma once
// `stocktracker store`: the Kafka -> PostgreSQL sink. Consumes stock-prices,
// price-candles-5m, -1h and -1d, news-scored (articles with their sentiment, from
// process) and economic-indicators and writes them in batches, storing
// the next Kafka offset of every partition in sink_offsets in the same
// transaction as the rows. On assignment it seeks to those offsets, so a
// crash at any moment neither loses nor duplicates a row. An offset update
// is conditional on the offset it expects, so an instance that lost its
// partitions (a zombie) cannot commit a stale batch.
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>

#include "stocktracker/base/error.hpp"

namespace st::store {

struct StoreOptions {
  std::string bootstrap_servers;
  std::string database_url;
  std::string group_id = "stocktracker-store";
  std::size_t batch_size = 20000;
  std::chrono::milliseconds batch_wait{200};
};

struct StoreReport {
  std::uint64_t ticks = 0;
  std::uint64_t news = 0;
  std::uint64_t candles = 0;
  std::uint64_t indicators = 0;
  std::uint64_t dead_letters = 0;
};

/// Runs until `stop` is requested; returns early only on a fatal error.
Result<StoreReport> run_store(const StoreOptions& options, std::stop_token stop);

}  // namespace st::store
