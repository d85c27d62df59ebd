#pragma once
// The librdkafka driver: producer, consumer and admin client, each owning
// one rd_kafka_t. librdkafka's headers stay inside this module's .cpp files.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::kafka {

/// librdkafka properties, e.g. {"linger.ms", "5"}.
using Properties = std::map<std::string, std::string>;
using Header = std::pair<std::string, std::string>;

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1001;  // RD_KAFKA_OFFSET_INVALID: use the committed/reset offset
  bool operator==(const TopicPartition&) const = default;
};

/// One consumed message; owns the librdkafka message until destroyed.
class Message {
 public:
  Message(Message&&) noexcept;
  Message& operator=(Message&&) noexcept;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;
  ~Message();

  /// Empty when the message is a real record; otherwise the consumer error.
  [[nodiscard]] std::optional<Error> error() const;
  /// True for the event that says a partition has no more messages for now
  /// (only with enable.partition.eof=true).
  [[nodiscard]] bool is_partition_eof() const;
  [[nodiscard]] std::string_view topic() const;
  [[nodiscard]] std::int32_t partition() const;
  [[nodiscard]] std::int64_t offset() const;
  [[nodiscard]] std::string_view key() const;
  [[nodiscard]] std::string_view payload() const;
  [[nodiscard]] std::int64_t timestamp_ms() const;
  /// The first header named `name`, if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

 private:
  friend class Consumer;
  explicit Message(void* msg) : msg_(msg) {}
  void* msg_ = nullptr;  // rd_kafka_message_t*
};

/// An idempotent producer (acks=all, enable.idempotence=true). Thread-safe:
/// librdkafka producers may be shared by threads. Messages are delivered in
/// the background; delivery failures are counted and logged, and flush()
/// reports whether everything produced so far was acknowledged.
class Producer {
 public:
  static Result<std::unique_ptr<Producer>> create(const std::string& bootstrap, const Properties& extra = {});
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  /// Queues a message; blocks (serving delivery reports) while the local
  /// queue is full. Fails only on a permanent error.
  Status produce(std::string_view topic, std::string_view key, std::string_view value,
                 const std::vector<Header>& headers = {});
  /// The same, to an explicit partition.
  Status produce_to(std::string_view topic, std::int32_t partition, std::string_view key, std::string_view value,
                    const std::vector<Header>& headers = {});
  /// Waits until every queued message is acknowledged or failed.
  Status flush(std::chrono::milliseconds timeout);
  /// Serves delivery reports without blocking.
  void poll();
  [[nodiscard]] std::uint64_t delivered() const;
  [[nodiscard]] std::uint64_t failed() const;

 private:
  Producer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Partition assignment hooks. on_assign may return the offsets to start
/// from (e.g. read from PostgreSQL); an unset offset uses the group's
/// committed offset, or the earliest one.
struct RebalanceHooks {
  std::function<std::vector<TopicPartition>(const std::vector<TopicPartition>&)> on_assign;
  std::function<void(const std::vector<TopicPartition>&)> on_revoke;
};

/// A group consumer (auto commit off, read_committed, earliest reset).
/// Not thread-safe: one thread polls it.
class Consumer;

/// A snapshot of a consumer's group membership (member id, generation),
/// taken by Consumer::group_metadata(). Sending offsets to a transaction
/// with it lets the group coordinator reject them if the group moved on
/// since (KIP-447). A copy: usable on another thread than the consumer's.
class GroupMetadata {
 public:
  GroupMetadata(GroupMetadata&&) noexcept;
  GroupMetadata& operator=(GroupMetadata&&) noexcept;
  GroupMetadata(const GroupMetadata&) = delete;
  GroupMetadata& operator=(const GroupMetadata&) = delete;
  ~GroupMetadata();

 private:
  friend class Consumer;
  friend class TransactionalProducer;
  explicit GroupMetadata(void* meta) : meta_(meta) {}
  void* meta_ = nullptr;  // rd_kafka_consumer_group_metadata_t*
};

/// A transactional producer (exactly-once consume-transform-produce).
/// Errors follow librdkafka's transactional contract: kUnavailable/kTimeout
/// = retry the same call; kAborted = abort_transaction() and redo the work
/// since the last commit; kFenced = another instance took over (or a fatal
/// error): stop writing and exit.
class TransactionalProducer {
 public:
  static Result<std::unique_ptr<TransactionalProducer>> create(const std::string& bootstrap,
                                                               const std::string& transactional_id,
                                                               const Properties& extra = {});
  ~TransactionalProducer();
  TransactionalProducer(const TransactionalProducer&) = delete;
  TransactionalProducer& operator=(const TransactionalProducer&) = delete;

  /// Fences older instances with the same transactional id and aborts
  /// their open transaction.
  Status init(std::chrono::milliseconds timeout);
  /// Looks up the partitions of the topics the transactions will write to,
  /// so the first record to each is sent at once (see kafka.cpp).
  Status prepare_topics(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);
  Status begin();
  Status produce(std::string_view topic, std::int32_t partition, std::string_view key, std::string_view value,
                 const std::vector<Header>& headers = {});
  /// Adds the consumer's next offsets to the transaction (KIP-447: the
  /// group generation in `group` fences a consumer that lost its partitions).
  Status send_offsets(const std::vector<TopicPartition>& offsets, const GroupMetadata& group,
                      std::chrono::milliseconds timeout);
  Status commit(std::chrono::milliseconds timeout);
  Status abort(std::chrono::milliseconds timeout);

 private:
  TransactionalProducer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> create(const std::string& bootstrap, const std::string& group_id,
                                                  RebalanceHooks hooks, const Properties& extra = {});
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  Status subscribe(const std::vector<std::string>& topics);
  /// Reads the given partitions from the given offsets, outside any group
  /// (state restore, tables).
  Status assign(const std::vector<TopicPartition>& partitions);
  /// The offset of the next message to read, per assigned partition.
  Result<std::vector<TopicPartition>> positions(const std::vector<TopicPartition>& partitions);
  /// The group's committed offsets of `partitions`. With read_committed
  /// they must be stable: while a transaction that sent offsets for one of
  /// them is still open, this waits (up to `timeout`) for it to end, so the
  /// answer can no longer change under the caller.
  Result<std::vector<TopicPartition>> committed_stable(const std::vector<TopicPartition>& partitions,
                                                      std::chrono::milliseconds timeout);
  /// The low and high watermarks (first offset; end offset, transaction
  /// markers included) asked of the partition leader.
  Result<std::pair<std::int64_t, std::int64_t>> watermarks(const std::string& topic, std::int32_t partition,
                                                          std::chrono::milliseconds timeout);
  /// Up to `max` messages, waiting at most `timeout` for the first.
  std::vector<Message> poll_batch(std::size_t max, std::chrono::milliseconds timeout);
  /// One message, waiting at most `timeout` (no allocation: the per-record
  /// poll of the exactly-once loop).
  std::optional<Message> poll(std::chrono::milliseconds timeout);
  /// The current group membership, for TransactionalProducer::send_offsets.
  [[nodiscard]] GroupMetadata group_metadata() const;
  /// Commits the given next-offsets to the group (for monitoring lag; the
  /// source of truth may be elsewhere).
  Status commit(const std::vector<TopicPartition>& offsets);
  /// Leaves the group cleanly (revokes partitions, runs on_revoke).
  void close();

 private:
  Consumer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Topic administration and broker health.
class Admin {
 public:
  static Result<std::unique_ptr<Admin>> create(const std::string& bootstrap);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  /// Creates the topics that are missing; existing topics are left alone.
  /// Returns the names created.
  Result<std::vector<std::string>> create_topics(const std::vector<model::TopicSpec>& topics,
                                                 std::chrono::milliseconds timeout);
  /// Deletes the topics; one that does not exist is no error. For the
  /// topics a test's own consumer group made (a fresh changelog per run).
  Status delete_topics(const std::vector<std::string>& names, std::chrono::milliseconds timeout);
  /// Whether a broker answers a metadata request within `timeout`.
  Status ping(std::chrono::milliseconds timeout);
  /// Partitions of a topic and their high watermarks (end offsets).
  Result<std::vector<TopicPartition>> end_offsets(const std::string& topic, std::chrono::milliseconds timeout);

 private:
  Admin() = default;
  Result<std::vector<TopicPartition>> end_offsets_once(const std::string& topic, std::chrono::milliseconds timeout);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace st::kafka
