#include "coverage.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdio>

#include "stocktracker/base/time_format.hpp"

namespace st::ingest::backfill {

Coverage add_range(Coverage coverage, DayRange range) {
  coverage.push_back(range);
  std::sort(coverage.begin(), coverage.end(), [](const DayRange& a, const DayRange& b) { return a.first < b.first; });
  Coverage out;
  for (const auto& r : coverage) {
    if (!out.empty() && r.first <= out.back().last + 1) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<DayRange> missing(const Coverage& coverage, DayRange wanted) {
  std::vector<DayRange> out;
  std::int64_t next = wanted.first;
  for (const auto& r : coverage) {
    if (r.last < next) continue;
    if (r.first > wanted.last) break;
    if (r.first > next) out.push_back({next, r.first - 1});
    next = r.last + 1;
    if (next > wanted.last) return out;
  }
  if (next <= wanted.last) out.push_back({next, wanted.last});
  return out;
}

bool contains(const std::vector<DayRange>& ranges, std::int64_t day) {
  return std::any_of(ranges.begin(), ranges.end(), [day](const DayRange& r) { return day >= r.first && day <= r.last; });
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto ms = parse_time(text);  // a date alone is its UTC midnight
  if (!ms) return std::nullopt;
  return *ms / 86'400'000;
}

std::string format_day(std::int64_t day) { return format_iso8601(day * 86'400'000).substr(0, 10); }

std::string encode(const ProgressRecord& record) {
  boost::json::array covered;
  for (const auto& r : record.covered) covered.push_back(boost::json::array{format_day(r.first), format_day(r.last)});
  boost::json::object o;
  o["v"] = 1;
  o["symbol"] = record.symbol;
  o["covered"] = std::move(covered);
  o["rows"] = record.rows;
  o["source"] = record.source;
  return boost::json::serialize(o);
}

Result<ProgressRecord> decode_progress(std::string_view json) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return fail(Errc::kInvalidInput, "backfill progress: not a JSON object");
  const auto& o = value.as_object();
  const auto* v = o.if_contains("v");
  const auto* symbol = o.if_contains("symbol");
  const auto* covered = o.if_contains("covered");
  const auto* rows = o.if_contains("rows");
  const auto* source = o.if_contains("source");
  if (v == nullptr || !v->is_int64() || v->as_int64() != 1) return fail(Errc::kInvalidInput, "backfill progress: v: must be 1");
  if (symbol == nullptr || !symbol->is_string() || covered == nullptr || !covered->is_array() || rows == nullptr ||
      !(rows->is_int64() || rows->is_uint64()) || source == nullptr || !source->is_string()) {
    return fail(Errc::kInvalidInput, "backfill progress: symbol, covered, rows and source are required");
  }
  ProgressRecord r;
  r.symbol = std::string(symbol->as_string());
  r.source = std::string(source->as_string());
  r.rows = rows->is_uint64() ? rows->as_uint64() : static_cast<std::uint64_t>(std::max<std::int64_t>(0, rows->as_int64()));
  for (const auto& item : covered->as_array()) {
    if (!item.is_array() || item.as_array().size() != 2 || !item.as_array()[0].is_string() ||
        !item.as_array()[1].is_string()) {
      return fail(Errc::kInvalidInput, "backfill progress: covered: expected [first day, last day] pairs");
    }
    const auto first = parse_day(item.as_array()[0].as_string());
    const auto last = parse_day(item.as_array()[1].as_string());
    if (!first || !last || *first > *last) return fail(Errc::kInvalidInput, "backfill progress: covered: bad day range");
    r.covered = add_range(std::move(r.covered), {*first, *last});
  }
  return r;
}

}  // namespace st::ingest::backfill
