#pragma once
// Ends the processor's Kafka transactions on a thread of its own, so the
// loop collects and processes the next batch while the previous batch's
// offsets and commit make their round trips to the broker.
//
// Exactly-once is kept because the transactions themselves stay strictly
// one after the other: the loop begins transaction N+1 only after wait()
// reported N committed. Only the in-memory work on batch N+1 overlaps N's
// commit; if N fails, that work is dropped with the rest of the in-memory
// state (the loop rejoins and restores from the changelog), exactly as an
// abort after a sequential commit did.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "stocktracker/base/error.hpp"
#include "stocktracker/kafka/kafka.hpp"

namespace st::process {

class TxnCommitter {
 public:
  explicit TxnCommitter(kafka::TransactionalProducer& producer);
  ~TxnCommitter();  // waits for a started commit
  TxnCommitter(const TxnCommitter&) = delete;
  TxnCommitter& operator=(const TxnCommitter&) = delete;

  /// Sends `offsets` (with the group membership the batch was read under)
  /// to the open transaction and commits it, in the background. The
  /// transaction's records must all have been produced.
  void start(std::vector<kafka::TopicPartition> offsets, kafka::GroupMetadata group);

  struct Outcome {
    Status status;                       // of the transaction started last
    std::chrono::milliseconds took{0};   // send_offsets + commit (+ abort)
  };
  /// Blocks until the transaction started last has ended; nullopt when
  /// none was started since the previous wait(). On failure the
  /// transaction is already aborted (a retriable commit timeout is retried
  /// first); kFenced means this instance must stop writing.
  std::optional<Outcome> wait();

 private:
  struct Job {
    std::vector<kafka::TopicPartition> offsets;
    kafka::GroupMetadata group;
  };
  void run(const std::stop_token& stop);
  Status end_transaction(const Job& job);

  kafka::TransactionalProducer& producer_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::optional<Job> job_;          // handed over, not yet taken
  bool busy_ = false;               // a job is handed over or running
  std::optional<Outcome> outcome_;  // of the last finished job, until wait()
  std::jthread thread_;             // last: started once the members exist
};

}  // namespace st::process
