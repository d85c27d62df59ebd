#include "stocktracker/kafka/kafka.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <thread>
#include <cstring>

#include "stocktracker/base/log.hpp"

namespace st::kafka {
namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

Error to_error(rd_kafka_resp_err_t err, std::string_view context) {
  Errc code = Errc::kInternal;
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
      code = Errc::kUnavailable;
      break;
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      code = Errc::kTimeout;
      break;
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
      code = Errc::kFenced;
      break;
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
      code = Errc::kTimeout;
      break;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
      code = Errc::kInvalidInput;
      break;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      code = Errc::kNotFound;
      break;
    default:
      code = Errc::kInternal;
  }
  return Error{code, std::string(context) + ": " + rd_kafka_err2str(err)};
}

Result<rd_kafka_conf_t*> make_conf(const std::string& bootstrap, const Properties& props) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      return fail(Errc::kInvalidInput, "kafka property " + k + ": " + errstr);
    }
    return {};
  };
  Status st = set("bootstrap.servers", bootstrap);
  if (st) st = set("client.id", "stocktracker");
  for (const auto& [k, v] : props) {
    if (!st) break;
    st = set(k, v);
  }
  if (!st) {
    rd_kafka_conf_destroy(conf);
    return std::unexpected(st.error());
  }
  return conf;
}

void log_cb(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  // librdkafka syslog levels: 0..3 error, 4 warning, 5..6 info, 7 debug.
  if (level <= 3) {
    log::error("kafka", {{"facility", fac}, {"detail", buf}});
  } else if (level == 4) {
    log::warn("kafka", {{"facility", fac}, {"detail", buf}});
  } else {
    log::debug("kafka", {{"facility", fac}, {"detail", buf}});
  }
}

std::vector<TopicPartition> to_vector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  }
  return out;
}

PartitionList to_list(const std::vector<TopicPartition>& tps) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(tps.size())));
  for (const auto& tp : tps) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = tp.offset;
  }
  return list;
}

}  // namespace

// ---------------------------------------------------------------- Message

Message::Message(Message&& other) noexcept : msg_(std::exchange(other.msg_, nullptr)) {}
Message& Message::operator=(Message&& other) noexcept {
  if (this != &other) {
    if (msg_ != nullptr) rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(msg_));
    msg_ = std::exchange(other.msg_, nullptr);
  }
  return *this;
}
Message::~Message() {
  if (msg_ != nullptr) rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(msg_));
}

static const rd_kafka_message_t* raw(const void* m) { return static_cast<const rd_kafka_message_t*>(m); }

std::optional<Error> Message::error() const {
  if (raw(msg_)->err == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return to_error(raw(msg_)->err, "consume");
}
bool Message::is_partition_eof() const { return raw(msg_)->err == RD_KAFKA_RESP_ERR__PARTITION_EOF; }
std::string_view Message::topic() const { return rd_kafka_topic_name(raw(msg_)->rkt); }
std::int32_t Message::partition() const { return raw(msg_)->partition; }
std::int64_t Message::offset() const { return raw(msg_)->offset; }
std::string_view Message::key() const {
  const auto* m = raw(msg_);
  return m->key == nullptr ? std::string_view{} : std::string_view(static_cast<const char*>(m->key), m->key_len);
}
std::string_view Message::payload() const {
  const auto* m = raw(msg_);
  return m->payload == nullptr ? std::string_view{}
                               : std::string_view(static_cast<const char*>(m->payload), m->len);
}
std::int64_t Message::timestamp_ms() const {
  rd_kafka_timestamp_type_t type{};
  return rd_kafka_message_timestamp(raw(msg_), &type);
}
std::optional<std::string_view> Message::header(std::string_view name) const {
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(raw(msg_), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  const std::string n(name);
  const void* value = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(hdrs, n.c_str(), &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return std::string_view(static_cast<const char*>(value), size);
}

// ---------------------------------------------------------------- Producer

struct Producer::Impl {
  KafkaHandle rk;
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
};

Result<std::unique_ptr<Producer>> Producer::create(const std::string& bootstrap, const Properties& extra) {
  Properties props = {{"enable.idempotence", "true"},
                      {"acks", "all"},
                      {"linger.ms", "5"},
                      {"batch.num.messages", "10000"},
                      {"queue.buffering.max.messages", "1000000"},
                      {"compression.type", "lz4"},
                      {"message.timeout.ms", "120000"}};
  for (const auto& [k, v] : extra) props[k] = v;
  auto conf = make_conf(bootstrap, props);
  if (!conf) return std::unexpected(conf.error());
  std::unique_ptr<Producer> p(new Producer());
  p->impl_ = std::make_unique<Impl>();
  rd_kafka_conf_set_opaque(*conf, p->impl_.get());
  rd_kafka_conf_set_log_cb(*conf, log_cb);
  rd_kafka_conf_set_dr_msg_cb(*conf, [](rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
    auto* impl = static_cast<Impl*>(opaque);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      impl->delivered.fetch_add(1, std::memory_order_relaxed);
    } else {
      impl->failed.fetch_add(1, std::memory_order_relaxed);
      log::error("kafka delivery failed",
                 {{"topic", rd_kafka_topic_name(msg->rkt)}, {"error", rd_kafka_err2str(msg->err)}});
    }
  });
  char errstr[512];
  p->impl_->rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, *conf, errstr, sizeof errstr));
  if (!p->impl_->rk) {
    rd_kafka_conf_destroy(*conf);
    return fail(Errc::kInvalidInput, std::string("kafka producer: ") + errstr);
  }
  return p;
}

Producer::~Producer() {
  if (impl_ && impl_->rk) rd_kafka_flush(impl_->rk.get(), 10000);
}

namespace {

// Produces one message, serving delivery reports while the local queue is
// full. Headers pass to librdkafka only on success.
rd_kafka_resp_err_t produce_raw(rd_kafka_t* rk, const std::string& topic, std::int32_t partition,
                                std::string_view key, std::string_view value, const std::vector<Header>& headers) {
  for (;;) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const auto& [k, v] : headers) {
        rd_kafka_header_add(hdrs, k.data(), static_cast<ssize_t>(k.size()), v.data(),
                            static_cast<ssize_t>(v.size()));
      }
    }
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return err;
    if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return err;
    rd_kafka_poll(rk, 50);
  }
}

}  // namespace

Status Producer::produce(std::string_view topic, std::string_view key, std::string_view value,
                         const std::vector<Header>& headers) {
  return produce_to(topic, RD_KAFKA_PARTITION_UA, key, value, headers);
}

Status Producer::produce_to(std::string_view topic, std::int32_t partition, std::string_view key,
                            std::string_view value, const std::vector<Header>& headers) {
  const std::string topic_name(topic);
  const rd_kafka_resp_err_t err = produce_raw(impl_->rk.get(), topic_name, partition, key, value, headers);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "produce to " + topic_name));
  return {};
}

Status Producer::flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "flush"));
  if (impl_->failed.load() > 0) {
    return fail(Errc::kUnavailable, std::to_string(impl_->failed.load()) + " messages were not delivered");
  }
  return {};
}

void Producer::poll() { rd_kafka_poll(impl_->rk.get(), 0); }
std::uint64_t Producer::delivered() const { return impl_->delivered.load(); }
std::uint64_t Producer::failed() const { return impl_->failed.load(); }

struct Consumer::Impl {
  KafkaHandle rk;
  RebalanceHooks hooks;
  bool closed = false;
};

// ---------------------------------------------------------------- TransactionalProducer

struct TopicDeleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};

struct TransactionalProducer::Impl {
  KafkaHandle rk;
  std::atomic<std::uint64_t> failed{0};
  // Declared after rk, so released before it is destroyed.
  std::vector<std::unique_ptr<rd_kafka_topic_t, TopicDeleter>> known_topics;
};

namespace {

/// Translates a transactional API error by librdkafka's documented classes.
Status txn_status(rd_kafka_error_t* error, std::string_view what) {
  if (error == nullptr) return {};
  std::string msg = std::string(what) + ": " + rd_kafka_error_string(error);
  Errc code = Errc::kInternal;
  if (rd_kafka_error_is_fatal(error)) {
    code = Errc::kFenced;  // fenced by a newer instance, or another fatal error: stop
  } else if (rd_kafka_error_txn_requires_abort(error)) {
    code = Errc::kAborted;
  } else if (rd_kafka_error_is_retriable(error)) {
    code = Errc::kTimeout;
  }
  rd_kafka_error_destroy(error);
  return fail(code, std::move(msg));
}

}  // namespace

Result<std::unique_ptr<TransactionalProducer>> TransactionalProducer::create(const std::string& bootstrap,
                                                                             const std::string& transactional_id,
                                                                             const Properties& extra) {
  Properties props = {{"transactional.id", transactional_id},
                      {"enable.idempotence", "true"},
                      {"acks", "all"},
                      {"linger.ms", "2"},
                      {"batch.num.messages", "10000"},
                      {"queue.buffering.max.messages", "1000000"},
                      {"compression.type", "lz4"},
                      {"transaction.timeout.ms", "10000"},
                      // Right after a commit the coordinator still writes the
                      // transaction's markers and answers the next
                      // transaction's AddPartitionsToTxn/AddOffsetsToTxn with
                      // CONCURRENT_TRANSACTIONS; librdkafka retries after this
                      // backoff, 100 ms by default, which was most of the
                      // processor's tick -> alert latency (KAFKA-5477).
                      {"retry.backoff.ms", "5"}};
  for (const auto& [k, v] : extra) props[k] = v;
  auto conf = make_conf(bootstrap, props);
  if (!conf) return std::unexpected(conf.error());
  std::unique_ptr<TransactionalProducer> p(new TransactionalProducer());
  p->impl_ = std::make_unique<Impl>();
  rd_kafka_conf_set_opaque(*conf, p->impl_.get());
  rd_kafka_conf_set_log_cb(*conf, log_cb);
  rd_kafka_conf_set_dr_msg_cb(*conf, [](rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      static_cast<Impl*>(opaque)->failed.fetch_add(1, std::memory_order_relaxed);
    }
  });
  char errstr[512];
  p->impl_->rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, *conf, errstr, sizeof errstr));
  if (!p->impl_->rk) {
    rd_kafka_conf_destroy(*conf);
    return fail(Errc::kInvalidInput, std::string("kafka transactional producer: ") + errstr);
  }
  return p;
}

TransactionalProducer::~TransactionalProducer() = default;

Status TransactionalProducer::init(std::chrono::milliseconds timeout) {
  return txn_status(rd_kafka_init_transactions(impl_->rk.get(), static_cast<int>(timeout.count())),
                    "init transactions");
}

Status TransactionalProducer::prepare_topics(const std::vector<std::string>& topics,
                                             std::chrono::milliseconds timeout) {
  // librdkafka 2.0 learns the partitions of a topic it has not produced to
  // only at its next one-second topic scan, so the first record to each
  // output topic stalled its transaction's commit by up to a second. A
  // metadata request for a topic handle fills in the partitions at once.
  for (const auto& name : topics) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(impl_->rk.get(), name.c_str(), nullptr);
    if (rkt == nullptr) return fail(Errc::kInvalidInput, "topic " + name + ": " + rd_kafka_err2str(rd_kafka_last_error()));
    impl_->known_topics.emplace_back(rkt);
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(impl_->rk.get(), 0, rkt, &md, static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "metadata of " + name));
    rd_kafka_metadata_destroy(md);
  }
  return {};
}

Status TransactionalProducer::begin() {
  return txn_status(rd_kafka_begin_transaction(impl_->rk.get()), "begin transaction");
}

Status TransactionalProducer::produce(std::string_view topic, std::int32_t partition, std::string_view key,
                                      std::string_view value, const std::vector<Header>& headers) {
  const std::string topic_name(topic);
  const rd_kafka_resp_err_t err = produce_raw(impl_->rk.get(), topic_name, partition, key, value, headers);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  // A produce error inside a transaction poisons it: the batch is redone.
  Error e = to_error(err, "produce to " + topic_name);
  if (e.code != Errc::kFenced) e.code = Errc::kAborted;
  return std::unexpected(std::move(e));
}

Status TransactionalProducer::send_offsets(const std::vector<TopicPartition>& offsets, const GroupMetadata& group,
                                           std::chrono::milliseconds timeout) {
  if (offsets.empty()) return {};
  auto list = to_list(offsets);
  rd_kafka_error_t* error = rd_kafka_send_offsets_to_transaction(
      impl_->rk.get(), list.get(), static_cast<const rd_kafka_consumer_group_metadata_t*>(group.meta_),
      static_cast<int>(timeout.count()));
  return txn_status(error, "send offsets to transaction");
}

Status TransactionalProducer::commit(std::chrono::milliseconds timeout) {
  return txn_status(rd_kafka_commit_transaction(impl_->rk.get(), static_cast<int>(timeout.count())),
                    "commit transaction");
}

Status TransactionalProducer::abort(std::chrono::milliseconds timeout) {
  return txn_status(rd_kafka_abort_transaction(impl_->rk.get(), static_cast<int>(timeout.count())),
                    "abort transaction");
}

// ---------------------------------------------------------------- Consumer

namespace {
void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                  void* opaque) {
  auto* hooks = static_cast<RebalanceHooks*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    auto tps = to_vector(partitions);
    if (hooks->on_assign) {
      auto with_offsets = hooks->on_assign(tps);
      for (const auto& tp : with_offsets) {
        if (auto* elem = rd_kafka_topic_partition_list_find(partitions, tp.topic.c_str(), tp.partition)) {
          elem->offset = tp.offset;
        }
      }
    }
    log::info("partitions assigned", {{"count", partitions->cnt}});
    rd_kafka_assign(rk, partitions);
  } else {
    if (hooks->on_revoke) hooks->on_revoke(to_vector(partitions));
    log::info("partitions revoked", {{"count", partitions->cnt}});
    rd_kafka_assign(rk, nullptr);
  }
}
}  // namespace

Result<std::unique_ptr<Consumer>> Consumer::create(const std::string& bootstrap, const std::string& group_id,
                                                   RebalanceHooks hooks, const Properties& extra) {
  Properties props = {{"group.id", group_id},
                      {"enable.auto.commit", "false"},
                      {"enable.auto.offset.store", "false"},
                      {"auto.offset.reset", "earliest"},
                      {"isolation.level", "read_committed"},
                      {"session.timeout.ms", "6000"},
                      {"heartbeat.interval.ms", "1000"},
                      {"max.poll.interval.ms", "300000"},
                      {"fetch.wait.max.ms", "50"},
                      {"enable.partition.eof", "false"}};
  for (const auto& [k, v] : extra) props[k] = v;
  auto conf = make_conf(bootstrap, props);
  if (!conf) return std::unexpected(conf.error());
  std::unique_ptr<Consumer> c(new Consumer());
  c->impl_ = std::make_unique<Impl>();
  c->impl_->hooks = std::move(hooks);
  rd_kafka_conf_set_opaque(*conf, &c->impl_->hooks);
  rd_kafka_conf_set_log_cb(*conf, log_cb);
  rd_kafka_conf_set_rebalance_cb(*conf, rebalance_cb);
  char errstr[512];
  c->impl_->rk.reset(rd_kafka_new(RD_KAFKA_CONSUMER, *conf, errstr, sizeof errstr));
  if (!c->impl_->rk) {
    rd_kafka_conf_destroy(*conf);
    return fail(Errc::kInvalidInput, std::string("kafka consumer: ") + errstr);
  }
  rd_kafka_poll_set_consumer(c->impl_->rk.get());
  return c;
}

Consumer::~Consumer() { close(); }

Status Consumer::subscribe(const std::vector<std::string>& topics) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "subscribe"));
  return {};
}

Status Consumer::assign(const std::vector<TopicPartition>& partitions) {
  auto list = to_list(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_assign(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "assign"));
  return {};
}

Result<std::vector<TopicPartition>> Consumer::positions(const std::vector<TopicPartition>& partitions) {
  auto list = to_list(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_position(impl_->rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "position"));
  return to_vector(list.get());
}

Result<std::vector<TopicPartition>> Consumer::committed_stable(const std::vector<TopicPartition>& partitions,
                                                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto list = to_list(partitions);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    rd_kafka_resp_err_t err = rd_kafka_committed(impl_->rk.get(), list.get(), static_cast<int>(std::max<std::int64_t>(left.count(), 1)));
    bool unstable = err == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT;
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i) {
      const rd_kafka_resp_err_t perr = list->elems[i].err;
      if (perr == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT) {
        unstable = true;
      } else if (perr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = perr;
      }
    }
    if (!unstable) {
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "committed offsets"));
      return to_vector(list.get());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Errc::kTimeout, "committed offsets stayed unstable (an open transaction did not end)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<std::pair<std::int64_t, std::int64_t>> Consumer::watermarks(const std::string& topic, std::int32_t partition,
                                                                   std::chrono::milliseconds timeout) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(impl_->rk.get(), topic.c_str(), partition, &low,
                                                                   &high, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "watermarks"));
  return std::pair{low, high};
}

std::vector<Message> Consumer::poll_batch(std::size_t max, std::chrono::milliseconds timeout) {
  std::vector<Message> out;
  auto wait = timeout;
  while (out.size() < max) {
    auto m = poll(wait);
    if (!m) break;
    wait = std::chrono::milliseconds(0);  // the first message came: drain what is already fetched
    out.push_back(std::move(*m));
  }
  return out;
}

std::optional<Message> Consumer::poll(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(impl_->rk.get(), static_cast<int>(timeout.count()));
  if (m == nullptr) return std::nullopt;
  return Message(m);
}

GroupMetadata::GroupMetadata(GroupMetadata&& other) noexcept : meta_(std::exchange(other.meta_, nullptr)) {}
GroupMetadata& GroupMetadata::operator=(GroupMetadata&& other) noexcept {
  if (this != &other) {
    if (meta_ != nullptr) rd_kafka_consumer_group_metadata_destroy(static_cast<rd_kafka_consumer_group_metadata_t*>(meta_));
    meta_ = std::exchange(other.meta_, nullptr);
  }
  return *this;
}
GroupMetadata::~GroupMetadata() {
  if (meta_ != nullptr) rd_kafka_consumer_group_metadata_destroy(static_cast<rd_kafka_consumer_group_metadata_t*>(meta_));
}

GroupMetadata Consumer::group_metadata() const { return GroupMetadata(rd_kafka_consumer_group_metadata(impl_->rk.get())); }

Status Consumer::commit(const std::vector<TopicPartition>& offsets) {
  if (offsets.empty()) return {};
  auto list = to_list(offsets);
  const rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk.get(), list.get(), 1 /*async*/);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "commit"));
  return {};
}

void Consumer::close() {
  if (!impl_ || !impl_->rk || impl_->closed) return;
  impl_->closed = true;
  rd_kafka_consumer_close(impl_->rk.get());
}

// ---------------------------------------------------------------- Admin

struct Admin::Impl {
  KafkaHandle rk;
};

Result<std::unique_ptr<Admin>> Admin::create(const std::string& bootstrap) {
  auto conf = make_conf(bootstrap, {});
  if (!conf) return std::unexpected(conf.error());
  rd_kafka_conf_set_log_cb(*conf, log_cb);
  std::unique_ptr<Admin> a(new Admin());
  a->impl_ = std::make_unique<Impl>();
  char errstr[512];
  a->impl_->rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, *conf, errstr, sizeof errstr));
  if (!a->impl_->rk) {
    rd_kafka_conf_destroy(*conf);
    return fail(Errc::kInvalidInput, std::string("kafka admin: ") + errstr);
  }
  return a;
}

Admin::~Admin() = default;

Result<std::vector<std::string>> Admin::create_topics(const std::vector<model::TopicSpec>& topics,
                                                      std::chrono::milliseconds timeout) {
  rd_kafka_t* rk = impl_->rk.get();
  char errstr[512];
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, 1, errstr, sizeof errstr);
    if (nt == nullptr) {
      rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
      return fail(Errc::kInvalidInput, "topic " + t.name + ": " + errstr);
    }
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", t.compacted ? "compact" : "delete");
    if (t.retention_ms > 0) {
      rd_kafka_NewTopic_set_config(nt, "retention.ms", std::to_string(t.retention_ms).c_str());
    }
    if (t.compacted) rd_kafka_NewTopic_set_config(nt, "min.cleanable.dirty.ratio", "0.1");
    new_topics.push_back(nt);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, static_cast<int>(timeout.count()), errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk, new_topics.data(), new_topics.size(), opts, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 5000);

  Result<std::vector<std::string>> result = std::vector<std::string>{};
  if (ev == nullptr) {
    result = fail(Errc::kTimeout, "create topics: no answer from Kafka");
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result = std::unexpected(to_error(rd_kafka_event_error(ev), "create topics"));
  } else {
    std::size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (std::size_t i = 0; i < n && result; ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        result->emplace_back(rd_kafka_topic_result_name(results[i]));
      } else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        result = fail(Errc::kUnavailable, std::string("create topic ") + rd_kafka_topic_result_name(results[i]) +
                                              ": " + (msg != nullptr ? msg : rd_kafka_err2str(err)));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
  return result;
}

Status Admin::delete_topics(const std::vector<std::string>& names, std::chrono::milliseconds timeout) {
  if (names.empty()) return {};
  rd_kafka_t* rk = impl_->rk.get();
  char errstr[512];
  std::vector<rd_kafka_DeleteTopic_t*> topics;
  for (const auto& n : names) topics.push_back(rd_kafka_DeleteTopic_new(n.c_str()));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, static_cast<int>(timeout.count()), errstr, sizeof errstr);
  rd_kafka_DeleteTopics(rk, topics.data(), topics.size(), opts, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 5000);
  Status result;
  if (ev == nullptr) {
    result = fail(Errc::kTimeout, "delete topics: no answer from Kafka");
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result = std::unexpected(to_error(rd_kafka_event_error(ev), "delete topics"));
  } else {
    std::size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
    for (std::size_t i = 0; i < n && result; ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        result = std::unexpected(to_error(err, std::string("delete topic ") + rd_kafka_topic_result_name(results[i])));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(queue);
  rd_kafka_DeleteTopic_destroy_array(topics.data(), topics.size());
  return result;
}

Status Admin::ping(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(impl_->rk.get(), 0, nullptr, &md, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "kafka metadata"));
  rd_kafka_metadata_destroy(md);
  return {};
}

Result<std::vector<TopicPartition>> Admin::end_offsets(const std::string& topic,
                                                       std::chrono::milliseconds timeout) {
  // Right after a topic is created its partitions may have no leader yet:
  // retryable answers are asked again until the timeout.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto r = end_offsets_once(topic, timeout);
    if (r || !r.error().retryable() || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Result<std::vector<TopicPartition>> Admin::end_offsets_once(const std::string& topic,
                                                            std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(impl_->rk.get(), topic.c_str(), nullptr);
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(impl_->rk.get(), 0, rkt, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::unexpected(to_error(err, "kafka metadata"));
  std::vector<TopicPartition> out;
  Status st;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < md->topics[0].partition_cnt && st; ++i) {
      const std::int32_t part = md->topics[0].partitions[i].id;
      std::int64_t low = 0;
      std::int64_t high = 0;
      const rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(impl_->rk.get(), topic.c_str(), part, &low,
                                                                     &high, static_cast<int>(timeout.count()));
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        st = std::unexpected(to_error(e, "watermarks"));
      } else {
        out.push_back({topic, part, high});
      }
    }
  } else if (md->topic_cnt == 1) {
    st = std::unexpected(to_error(md->topics[0].err, "topic " + topic));  // e.g. no leader yet: retryable
  } else {
    st = fail(Errc::kNotFound, "topic " + topic + " not found");
  }
  rd_kafka_metadata_destroy(md);
  if (!st) return std::unexpected(st.error());
  return out;
}

}  // namespace st::kafka
