#pragma once
// What `backfill` has already loaded, per symbol: ranges of New York trading
// days, kept on the compacted `backfill-progress` topic in the same Kafka
// transaction as the ticks themselves (backfill_service.hpp). Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/error.hpp"

namespace st::ingest::backfill {

/// Days since 1970-01-01, both ends included.
struct DayRange {
  std::int64_t first = 0;
  std::int64_t last = 0;
  bool operator==(const DayRange&) const = default;
};

/// Sorted, disjoint, non-adjacent ranges.
using Coverage = std::vector<DayRange>;

/// `coverage` with `range` added, merged with what it touches or adjoins.
Coverage add_range(Coverage coverage, DayRange range);
/// The parts of `wanted` not in `coverage`, in order.
std::vector<DayRange> missing(const Coverage& coverage, DayRange wanted);
/// Whether `day` lies in one of `ranges` (sorted, disjoint).
bool contains(const std::vector<DayRange>& ranges, std::int64_t day);

/// "2024-01-02" as days since 1970-01-01, or nullopt.
std::optional<std::int64_t> parse_day(std::string_view text);
/// Days since 1970-01-01 as "2024-01-02".
std::string format_day(std::int64_t day);

/// The progress record of one symbol:
/// {"v":1,"symbol":"AAPL","covered":[["2024-01-02","2024-06-28"]],"rows":124,"source":"yahoo"}
struct ProgressRecord {
  std::string symbol;
  Coverage covered;
  std::uint64_t rows = 0;   // ticks published for the symbol, all runs together
  std::string source;       // the provider of the last range loaded
  bool operator==(const ProgressRecord&) const = default;
};

std::string encode(const ProgressRecord& record);
Result<ProgressRecord> decode_progress(std::string_view json);

}  // namespace st::ingest::backfill
