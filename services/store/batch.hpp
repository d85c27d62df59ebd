#pragma once
// The pure part of the store sink: turning decoded messages into COPY text
// and tracking, per partition, the offset range a batch covers.
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "stocktracker/model/messages.hpp"

namespace st::store {

/// Appends one stock_prices row in COPY text format:
/// symbol, ts, price, volume, source, currency, src_partition, src_offset.
void append_tick_row(std::string& out, const model::PriceTick& tick, std::int32_t partition, std::int64_t offset);

/// Per (topic, partition): the next offset to consume after the batch.
using PartitionKey = std::pair<std::string, std::int32_t>;

struct Batch {
  std::string tick_rows;  // COPY text
  std::size_t ticks = 0;
  std::map<PartitionKey, std::int64_t> next_offsets;
  std::size_t messages = 0;

  void note_offset(const std::string& topic, std::int32_t partition, std::int64_t offset) {
    next_offsets[{topic, partition}] = offset + 1;
    ++messages;
  }
  void clear() {
    tick_rows.clear();
    ticks = 0;
    next_offsets.clear();
    messages = 0;
  }
};

}  // namespace st::store
