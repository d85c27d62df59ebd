#pragma once
// The relay of the transactional outbox: publishes `outbox` rows to Kafka
// in id order with an idempotent producer, flushes, then marks them
// published, in one PostgreSQL transaction.
//
// Guarantee: at least once, in order per key. A crash between the flush
// and the COMMIT publishes the same rows again; user-preferences carries a
// user's whole state and is compacted by user id, so a repeated message is
// harmless (consumers keep the latest). Rows are taken with
// FOR UPDATE SKIP LOCKED under a transaction-level advisory lock: only one
// relay (of any number of api instances) publishes at a time, because two
// relays taking disjoint rows could publish an older state of a user after
// a newer one. The lock dies with its session, so another instance takes
// over at once when the publishing one crashes.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "stocktracker/base/error.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::api {

class OutboxRelay {
 public:
  OutboxRelay(std::string database_url, std::string bootstrap_servers);

  /// Publishes until `stop` is requested: at once after wake(), else
  /// every poll interval; backs off while PostgreSQL or Kafka is down.
  void run(std::stop_token stop);
  /// A transaction has committed outbox rows: publish them now.
  void wake();
  /// One pass: publishes up to a batch of rows, returns how many (0 when
  /// another instance holds the relay lock).
  Result<std::size_t> publish_once();

 private:
  std::string database_url_;
  std::string bootstrap_servers_;
  std::optional<pg::Connection> db_;
  std::unique_ptr<kafka::Producer> producer_;
  std::mutex mutex_;
  std::condition_variable_any wake_cv_;
  bool woken_ = false;
};

}  // namespace st::api
