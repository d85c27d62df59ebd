#include "stocktracker/kafka/dead_letter.hpp"

#include <string>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::kafka {

namespace {

/// The dlq.* headers, and the payload cut to what a broker always accepts.
std::vector<Header> dead_letter(const DeadLetterOrigin& origin, std::string_view& payload, std::string_view reason) {
  // The reason is cut so a pathological error text cannot exceed limits,
  // and a payload beyond what a default broker accepts is kept as a prefix
  // with its original size, so the dead letter itself cannot be refused.
  constexpr std::size_t kMaxDlqPayload = 512 * 1024;
  std::vector<Header> headers = {
      {"dlq.reason", std::string(reason.substr(0, 1024))},
      {"dlq.source.topic", std::string(origin.topic)},
      {"dlq.source.partition", std::to_string(origin.partition)},
      {"dlq.source.offset", std::to_string(origin.offset)},
      {"dlq.service", std::string(origin.service)},
      {"dlq.time", std::to_string(SystemClock::instance().now_ms())},
  };
  if (payload.size() > kMaxDlqPayload) {
    headers.emplace_back("dlq.original.bytes", std::to_string(payload.size()));
    payload = payload.substr(0, kMaxDlqPayload);
  }
  return headers;
}

}  // namespace

Status send_to_dlq(Producer& producer, const DeadLetterOrigin& origin, std::string_view key,
                   std::string_view payload, std::string_view reason) {
  const auto headers = dead_letter(origin, payload, reason);
  return producer.produce(model::dlq_topic(origin.topic), key, payload, headers);
}

Status send_to_dlq(TransactionalProducer& producer, const DeadLetterOrigin& origin, std::string_view key,
                   std::string_view payload, std::string_view reason) {
  constexpr std::int32_t kByKey = -1;  // RD_KAFKA_PARTITION_UA: the partitioner picks, as for Producer
  const auto headers = dead_letter(origin, payload, reason);
  return producer.produce(model::dlq_topic(origin.topic), kByKey, key, payload, headers);
}

}  // namespace st::kafka
