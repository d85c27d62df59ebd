#pragma once
// `stocktracker process`: the stream processor (DESIGN.md §5) as a Kafka
// consume-transform-produce loop with exactly-once semantics. Each batch of
// stock-prices and news-articles records is processed in one Kafka
// transaction holding its outputs (price-candles-5m/-1h/-1d, stock-alerts,
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
  /// The consumer group: one deployment of the processor. Its state lives
  /// in its own changelog topic, so two groups never share state.
  std::string group_id = "stocktracker-process";
  /// Unique per running instance: the transactional id is derived from it,
  /// so a restarted instance fences its previous incarnation.
  std::string instance_id = "0";
  /// A transaction commits after this many records or this long (like
  /// Kafka Streams' commit.interval.ms): larger batches amortise the
  /// commit round trips, shorter waits lower the latency of alerts.
  std::size_t batch_size = 50000;
  std::chrono::milliseconds batch_wait{100};
  WindowConfig windows;

  /// "process-changelog" for the default group, "<group>-changelog" else.
  [[nodiscard]] std::string changelog_topic() const;
  /// Scored news keyed by symbol, co-partitioned with stock-prices.
  [[nodiscard]] std::string news_by_symbol_topic() const;
  [[nodiscard]] std::string transactional_id() const { return group_id + "-" + instance_id; }
};

struct ProcessReport {
  ProcessorStats processed;
  std::uint64_t transactions = 0;  // committed
};

Result<ProcessReport> run_process(const ProcessOptions& options, std::stop_token stop);

}  // namespace st::process
