#include "txn_committer.hpp"

namespace st::process {

using namespace std::chrono_literals;

TxnCommitter::TxnCommitter(kafka::TransactionalProducer& producer)
    : producer_(producer), thread_([this](const std::stop_token& stop) { run(stop); }) {}

TxnCommitter::~TxnCommitter() {
  (void)wait();  // never leave a transaction half-ended behind
  thread_.request_stop();
  cv_.notify_all();
}

void TxnCommitter::start(std::vector<kafka::TopicPartition> offsets, kafka::GroupMetadata group) {
  {
    std::lock_guard lock(mu_);
    job_.emplace(Job{std::move(offsets), std::move(group)});
    busy_ = true;
    outcome_.reset();
  }
  cv_.notify_all();
}

std::optional<TxnCommitter::Outcome> TxnCommitter::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
  return std::exchange(outcome_, std::nullopt);
}

void TxnCommitter::run(const std::stop_token& stop) {
  for (;;) {
    std::optional<Job> job;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait(lock, stop, [this] { return job_.has_value(); })) return;  // stopped, nothing handed over
      job = std::exchange(job_, std::nullopt);
    }
    const auto started = std::chrono::steady_clock::now();
    Status st = end_transaction(*job);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    {
      std::lock_guard lock(mu_);
      outcome_ = Outcome{std::move(st), took};
      busy_ = false;
    }
    cv_.notify_all();
  }
}

Status TxnCommitter::end_transaction(const Job& job) {
  Status st = producer_.send_offsets(job.offsets, job.group, 30s);
  if (st) {
    st = producer_.commit(60s);
    while (!st && st.error().code == Errc::kTimeout) st = producer_.commit(60s);  // retriable: try again
  }
  if (st || st.error().code == Errc::kFenced) return st;
  // Abortable: end the transaction now rather than when the loop gets to
  // it, so a new owner of these partitions (waiting for stable offsets)
  // is not held up until the transaction timeout.
  if (auto ab = producer_.abort(60s); !ab && ab.error().code == Errc::kFenced) return ab;
  return st;
}

}  // namespace st::process
