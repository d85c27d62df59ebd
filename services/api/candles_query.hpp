#pragma once
// Candles for GET /api/companies/:id/prices?interval=5m|1h|1d: the 5-minute
// candles the processor wrote (price_candles), and hours and New York
// trading days aggregated from them in SQL at query time.
#include <optional>
#include <string>
#include <string_view>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::api {

/// True for the intervals served from candles.
bool is_candle_interval(std::string_view interval);

/// The JSON array of candles (oldest first, at most `limit`, the newest
/// ones when the range holds more), or a database error.
Result<std::string> candles_json(pg::Connection& conn, const std::string& symbol, std::string_view interval,
                                 std::optional<EpochMs> from, std::optional<EpochMs> to, std::int64_t limit);

}  // namespace st::api
