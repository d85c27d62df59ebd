#pragma once
// Raw ticks for GET /api/companies/:id/prices?interval=tick: the newest
// `limit` rows of stock_prices in a time range, returned oldest first.
#include <cstdint>
#include <optional>
#include <string>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::api {

/// How far back from `anchor` the first probe of ticks_json looks: a month,
/// so it spans at most two of stock_prices' monthly partitions.
inline constexpr EpochMs kRecentTicksWindowMs = 31LL * 24 * 3600 * 1000;

/// The JSON array of the newest `limit` ticks of `symbol` with from <= ts <
/// to (either bound optional), oldest first, or a database error.
///
/// `anchor` is where the newest ticks are expected (`to` when given, else
/// the symbol's latest quote): the rows of the month before it are read
/// first, so that the usual request touches one or two partitions instead
/// of opening an index scan on every partition of the table; only when that
/// month holds fewer than `limit` rows is the rest of the range read for
/// the remainder. The answer does not depend on `anchor`, only the work.
Result<std::string> ticks_json(pg::Connection& conn, const std::string& symbol, std::optional<EpochMs> from,
                               std::optional<EpochMs> to, std::int64_t limit, EpochMs anchor);

}  // namespace st::api
