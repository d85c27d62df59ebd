#pragma once
// Sends a message that could not be parsed or validated to `<topic>.dlq`,
// unchanged, with the reason and its origin in headers (schemas/dlq-headers.md).
#include <cstdint>
#include <string_view>

#include "stocktracker/base/error.hpp"
#include "stocktracker/kafka/kafka.hpp"

namespace st::kafka {

struct DeadLetterOrigin {
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string_view service;
};

Status send_to_dlq(Producer& producer, const DeadLetterOrigin& origin, std::string_view key,
                   std::string_view payload, std::string_view reason);
/// The same inside the open transaction of `producer` (the dead letters of
/// a batch become visible with the batch, or not at all).
Status send_to_dlq(TransactionalProducer& producer, const DeadLetterOrigin& origin, std::string_view key,
                   std::string_view payload, std::string_view reason);

}  // namespace st::kafka
