#pragma once
// `stocktracker process`: the stream processor (DESIGN.md §5) as a Kafka
// consume-transform-produce loop with exactly-once semantics. Each batch of
// stock-prices and news-articles records is processed in one Kafka
// transaction holding its outputs (price-candles-5m, stock-alerts,
// stock-prices.late, news-scored, DLQs), the changelog of the state it
// changed and the consumed offsets. Instances in
// the same consumer group share the partitions; the state of a partition
// moves with it through the changelog.
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>

#include "processor.hpp"
#include "stocktracker/base/error.hpp"

namespace st::process {

struct ProcessOptions {
  std::string bootstrap_servers;
  std::string database_url;  // companies for enrichment; empty: none
  std::string group_id = "stocktracker-process";
  /// Unique per running instance: the transactional id is derived from it,
  /// so a restarted instance fences its previous incarnation.
  std::string instance_id = "0";
  std::size_t batch_size = 5000;
  std::chrono::milliseconds batch_wait{50};
  WindowConfig windows;
};

struct ProcessReport {
  ProcessorStats processed;
  std::uint64_t transactions = 0;  // committed
};

Result<ProcessReport> run_process(const ProcessOptions& options, std::stop_token stop);

}  // namespace st::process
