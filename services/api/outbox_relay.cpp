#include "outbox_relay.hpp"

#include <algorithm>

#include "api_metrics.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/pg/transaction.hpp"

namespace st::api {
namespace {

using namespace std::chrono_literals;

constexpr auto kPollInterval = 500ms;
constexpr auto kMaxBackoff = 10s;
constexpr auto kFlushTimeout = 10s;
constexpr int kBatch = 500;
// pg_try_advisory_xact_lock key of the relay ("STOUTBOX" in ASCII).
constexpr std::string_view kRelayLockKey = "6004511431096160088";

}  // namespace

OutboxRelay::OutboxRelay(std::string database_url, std::string bootstrap_servers)
    : database_url_(std::move(database_url)), bootstrap_servers_(std::move(bootstrap_servers)) {}

void OutboxRelay::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_cv_.notify_one();
}

Result<std::size_t> OutboxRelay::publish_once() {
  if (!db_ || !db_->ok()) {
    db_.reset();
    auto conn = pg::Connection::connect(database_url_);
    if (!conn) return std::unexpected(conn.error());
    db_ = std::move(*conn);
  }
  if (!producer_) {
    auto producer = kafka::Producer::create(bootstrap_servers_);
    if (!producer) {
      count_dependency_error(Dependency::kKafka);
      return std::unexpected(producer.error());
    }
    producer_ = std::move(*producer);
  }
  pg::Transaction tx(*db_);
  if (auto st = tx.begin(); !st) return std::unexpected(st.error());
  auto lock = db_->exec("SELECT pg_try_advisory_xact_lock($1::bigint)", {std::string(kRelayLockKey)});
  if (!lock) return std::unexpected(lock.error());
  if (lock->get(0, 0) != "t") return 0;  // another instance is relaying
  auto rows = db_->exec(
      "SELECT id, topic, key, payload::text FROM outbox WHERE published_at IS NULL "
      "ORDER BY id LIMIT $1::int FOR UPDATE SKIP LOCKED",
      {std::to_string(kBatch)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return 0;

  std::string ids = "{";
  for (int i = 0; i < rows->size(); ++i) {
    // A NULL payload is a tombstone (a deleted user): a null Kafka value.
    const std::string_view value = rows->is_null(i, 3) ? std::string_view{} : rows->get(i, 3);
    if (auto st = producer_->produce(rows->get(i, 1), rows->get(i, 2), value); !st) {
      producer_.reset();
      count_dependency_error(Dependency::kKafka);
      return std::unexpected(st.error());
    }
    if (i > 0) ids += ',';
    ids += rows->get(i, 0);
  }
  ids += '}';
  // The producer counts failures for its whole life, so one that failed is
  // replaced and the rows go out again (in order) through a fresh one.
  if (auto st = producer_->flush(kFlushTimeout); !st) {
    producer_.reset();
    count_dependency_error(Dependency::kKafka);
    return std::unexpected(st.error());
  }
  auto marked = db_->exec("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", {ids});
  if (!marked) return std::unexpected(marked.error());
  if (auto st = tx.commit(); !st) return std::unexpected(st.error());
  return static_cast<std::size_t>(rows->size());
}

void OutboxRelay::run(std::stop_token stop) {
  auto backoff = std::chrono::milliseconds(0);
  bool failing = false;
  while (!stop.stop_requested()) {
    auto published = publish_once();
    if (!published) {
      if (!failing) log::warn("outbox relay failing; retrying", {{"error", published.error().message}});
      failing = true;
      backoff = std::clamp<std::chrono::milliseconds>(backoff * 2, 200ms, kMaxBackoff);
    } else {
      if (failing) log::info("outbox relay recovered");
      failing = false;
      backoff = 0ms;
      if (*published > 0) {
        log::debug("outbox rows published", {{"rows", static_cast<std::int64_t>(*published)}});
        continue;  // there may be more
      }
    }
    std::unique_lock lock(mutex_);
    wake_cv_.wait_for(lock, stop, failing ? backoff : std::chrono::milliseconds(kPollInterval),
                      [this] { return woken_; });
    woken_ = false;
  }
}

}  // namespace st::api
