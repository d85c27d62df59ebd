#include "candles_query.hpp"

namespace st::api {
namespace {

// Hours (1h) or New York trading days (1d) over the stored 5-minute candles: open
// of the first, close of the last, extremes, summed volume and ticks, the
// volume-weighted VWAP, final only when every part is final. A trading day
// is a New York calendar day. For 1h and 1d, a bucket the processor stored
// itself (price-candles-1h/-1d: the same sums, built as the 5-minute
// candles arrive) is read as stored; the others (history from before the
// processor made them, or backfilled 5-minute candles) are aggregated here.
// For those, from/to select 5-minute candles; for stored ones, buckets.
//
// Only the newest `limit` buckets are returned, so only the newest
// limit x (5-minute candles a bucket can hold: 12 an hour, 300 a 25-hour
// New York day) 5-minute rows are read, backwards along the primary key,
// instead of the range's whole history. Those rows hold `limit` whole
// buckets, or all the range has: each bucket holds at most that many rows,
// so only the oldest bucket they reach can be cut short, and it is then
// past the `limit` newer whole ones (so past the LIMIT below). Stored
// buckets likewise: the newest `limit` of them. A stored bucket replaces
// the aggregated one by sorting first (DISTINCT ON), not by an anti-join:
// a generic plan's guess of one stored row made that a nested loop.
constexpr std::string_view kQuery = R"sql(
WITH c AS (
  SELECT CASE $5
           WHEN '1h' THEN date_trunc('hour', bucket_start)
           ELSE date_trunc('day', bucket_start AT TIME ZONE 'America/New_York') AT TIME ZONE 'America/New_York'
         END AS b,
         bucket_start, open, high, low, close, volume, vwap, tick_count, is_final
  FROM price_candles
  WHERE symbol = $1 AND interval = '5m'
    AND ($2::bigint IS NULL OR bucket_start >= to_timestamp($2::bigint / 1000.0))
    AND ($3::bigint IS NULL OR bucket_start < to_timestamp($3::bigint / 1000.0))
  ORDER BY bucket_start DESC
  LIMIT $4::int * CASE $5 WHEN '1h' THEN 12 ELSE 300 END
), g AS (
  SELECT b,
         (array_agg(open ORDER BY bucket_start))[1] AS open,
         max(high) AS high, min(low) AS low,
         (array_agg(close ORDER BY bucket_start DESC))[1] AS close,
         sum(volume) AS volume,
         sum(vwap * volume) / nullif(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap,
         sum(tick_count) AS ticks,
         bool_and(is_final) AS final
  FROM c GROUP BY b
), s AS (
  SELECT bucket_start AS b, open, high, low, close, volume, vwap, tick_count AS ticks, is_final AS final
  FROM price_candles
  WHERE symbol = $1 AND interval = $5
    AND ($2::bigint IS NULL OR bucket_start >= to_timestamp($2::bigint / 1000.0))
    AND ($3::bigint IS NULL OR bucket_start < to_timestamp($3::bigint / 1000.0))
  ORDER BY bucket_start DESC
  LIMIT $4::int
), u AS (
  SELECT DISTINCT ON (b) * FROM (SELECT *, 0 AS aggregated FROM s UNION ALL SELECT *, 1 FROM g) x
  ORDER BY b DESC, aggregated LIMIT $4::int
)
SELECT (extract(epoch FROM b) * 1000)::bigint, open::float8, high::float8, low::float8, close::float8, volume,
       vwap::float8, ticks, final
FROM u ORDER BY b)sql";

// 5-minute candles are stored as they are served: the newest `limit` rows of
// the primary key, read backwards, instead of grouping the symbol's whole
// history one row per group. The same values kQuery's grouping gives (its
// VWAP is null where the volume is 0).
constexpr std::string_view kQuery5m = R"sql(
SELECT (extract(epoch FROM bucket_start) * 1000)::bigint, open::float8, high::float8, low::float8, close::float8,
       volume, CASE WHEN volume <> 0 THEN vwap END::float8, tick_count, is_final
FROM (SELECT * FROM price_candles
      WHERE symbol = $1 AND interval = '5m'
        AND ($2::bigint IS NULL OR bucket_start >= to_timestamp($2::bigint / 1000.0))
        AND ($3::bigint IS NULL OR bucket_start < to_timestamp($3::bigint / 1000.0))
      ORDER BY bucket_start DESC LIMIT $4::int) t
ORDER BY bucket_start)sql";

}  // namespace

bool is_candle_interval(std::string_view interval) { return interval == "5m" || interval == "1h" || interval == "1d"; }

Result<std::string> candles_json(pg::Connection& conn, const std::string& symbol, std::string_view interval,
                                 std::optional<EpochMs> from, std::optional<EpochMs> to, std::int64_t limit) {
  pg::Params params{symbol, from ? pg::Param(std::to_string(*from)) : std::nullopt,
                    to ? pg::Param(std::to_string(*to)) : std::nullopt, std::to_string(limit)};
  const bool five = interval == "5m";
  if (!five) params.emplace_back(std::string(interval));
  auto rows = conn.exec_prepared(five ? kQuery5m : kQuery, params);
  if (!rows) return std::unexpected(rows.error());
  static constexpr const char* kKeys[] = {"ts", "open", "high", "low", "close", "volume", "vwap", "ticks"};
  std::string out = "[";
  out.reserve(static_cast<std::size_t>(rows->size()) * 160);
  for (int i = 0; i < rows->size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('{');
    for (int col = 0; col < 8; ++col) {
      out += '"';
      out += kKeys[col];
      out += "\":";
      out += rows->is_null(i, col) ? std::string_view("null") : rows->get(i, col);  // numbers as PostgreSQL prints them
      out.push_back(',');
    }
    out += "\"final\":";
    out += rows->get(i, 8) == "t" ? "true" : "false";
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace st::api
