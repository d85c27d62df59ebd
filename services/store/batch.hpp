#pragma once
// The pure part of the store sink: turning decoded ticks into COPY text.
#include <cstdint>
#include <string>

#include "stocktracker/model/messages.hpp"

namespace st::store {

/// Appends one stock_prices row in COPY text format:
/// symbol, ts, price, volume, source, currency, src_partition, src_offset.
void append_tick_row(std::string& out, const model::PriceTick& tick, std::int32_t partition, std::int64_t offset);

}  // namespace st::store
