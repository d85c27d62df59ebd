#include "ticks_query.hpp"

#include <array>
#include <limits>

#include "stocktracker/base/json_escape.hpp"

namespace st::api {
namespace {

/// The tick query for the bounds given ($1 symbol, $2 limit, then from and
/// to when given). One text per shape rather than `$n IS NULL OR ...`, so
/// the generic plan it runs with (planning a custom one over every monthly
/// partition costs more than the query) still prunes partitions at run time.
const std::string& tick_query(bool from, bool to) {
  static const auto kQueries = [] {
    std::array<std::string, 4> out;
    for (int shape = 0; shape < 4; ++shape) {
      const bool has_from = (shape & 1) != 0;
      const bool has_to = (shape & 2) != 0;
      std::string sql =
          "SELECT ts_ms, price::float8, volume, source FROM ("
          "  SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, price, volume, source, ts, src_partition, "
          "         src_offset "
          "  FROM stock_prices WHERE symbol = $1";
      if (has_from) sql += " AND ts >= to_timestamp($3::bigint / 1000.0)";
      if (has_to) sql += has_from ? " AND ts < to_timestamp($4::bigint / 1000.0)"
                                  : " AND ts < to_timestamp($3::bigint / 1000.0)";
      sql += "  ORDER BY ts DESC, src_partition DESC, src_offset DESC LIMIT $2::int) t "
             "ORDER BY ts, src_partition, src_offset";
      out[static_cast<std::size_t>(shape)] = std::move(sql);
    }
    return out;
  }();
  return kQueries[(from ? 1U : 0U) | (to ? 2U : 0U)];
}

/// The newest `limit` ticks in the range, oldest first.
Result<pg::Rows> newest_ticks(pg::Connection& conn, const std::string& symbol, std::optional<EpochMs> from,
                              std::optional<EpochMs> to, std::int64_t limit) {
  pg::Params params{symbol, std::to_string(limit)};
  if (from) params.emplace_back(std::to_string(*from));
  if (to) params.emplace_back(std::to_string(*to));
  return conn.exec_prepared(tick_query(from.has_value(), to.has_value()), params, pg::Connection::Plan::kGeneric);
}

void append_ticks(std::string& out, const pg::Rows& rows) {
  for (int i = 0; i < rows.size(); ++i) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"ts\":";
    out += rows.get(i, 0);
    out += ",\"price\":";
    out += rows.get(i, 1);  // numeric text is a valid JSON number
    out += ",\"volume\":";
    out += rows.get(i, 2);
    out += ",\"source\":";
    append_json_string(out, rows.get(i, 3));
    out.push_back('}');
  }
}

}  // namespace

Result<std::string> ticks_json(pg::Connection& conn, const std::string& symbol, std::optional<EpochMs> from,
                               std::optional<EpochMs> to, std::int64_t limit, EpochMs anchor) {
  std::string out = "[";
  // The month before the anchor, within the range; none when the range is
  // that narrow already (or the anchor so early that the month would not fit).
  std::optional<EpochMs> split;
  if (anchor > std::numeric_limits<EpochMs>::min() + kRecentTicksWindowMs) {
    const EpochMs start = anchor - kRecentTicksWindowMs;
    if ((!from || *from < start) && (!to || start < *to)) split = start;
  }
  if (!split) {
    auto rows = newest_ticks(conn, symbol, from, to, limit);
    if (!rows) return std::unexpected(rows.error());
    append_ticks(out, *rows);
    out.push_back(']');
    return out;
  }
  auto recent = newest_ticks(conn, symbol, split, to, limit);
  if (!recent) return std::unexpected(recent.error());
  if (recent->size() < limit) {
    // Older than every row of the month, so they come first.
    auto older = newest_ticks(conn, symbol, from, split, limit - recent->size());
    if (!older) return std::unexpected(older.error());
    append_ticks(out, *older);
  }
  append_ticks(out, *recent);
  out.push_back(']');
  return out;
}

}  // namespace st::api
