// The tick history of GET /api/companies/:id/prices (services/api
// ticks_query.hpp) against the real, partitioned stock_prices: whatever
// the anchor (the month probed first), the answer is the newest `limit`
// ticks of the range, oldest first, the same as one query over the whole
// range would give; also when the month holds fewer than `limit` rows and
// the rest comes from older partitions, and with ties on the timestamp.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <tuple>

#include "harness.hpp"
#include "ticks_query.hpp"

namespace st::itest {
namespace {

constexpr EpochMs kDay = 24LL * 3600 * 1000;

struct Tick {
  EpochMs ts;
  int partition;
  std::int64_t offset;
  std::int64_t volume;  // unique: names the row in the answer
};

/// The volumes of the ticks the answer holds, in its order.
std::vector<std::int64_t> volumes(const std::string& json) {
  std::vector<std::int64_t> out;
  const boost::json::value doc = boost::json::parse(json);
  for (const auto& t : doc.as_array()) out.push_back(t.at("volume").as_int64());
  return out;
}

/// What the answer must be: the newest `limit` in [from, to), oldest first.
std::vector<std::int64_t> expected(std::vector<Tick> ticks, std::optional<EpochMs> from, std::optional<EpochMs> to,
                                   std::int64_t limit) {
  std::erase_if(ticks, [&](const Tick& t) { return (from && t.ts < *from) || (to && t.ts >= *to); });
  const auto key = [](const Tick& t) { return std::tuple(t.ts, t.partition, t.offset); };
  std::sort(ticks.begin(), ticks.end(), [&](const Tick& a, const Tick& b) { return key(a) > key(b); });
  if (static_cast<std::int64_t>(ticks.size()) > limit) ticks.resize(static_cast<std::size_t>(limit));
  std::vector<std::int64_t> out;
  for (auto it = ticks.rbegin(); it != ticks.rend(); ++it) out.push_back(it->volume);
  return out;
}

TEST(TicksQuery, NewestTicksOfTheRangeWhateverTheMonthProbedFirst) {
  ASSERT_EQ(run({"migrate"}), 0);
  const std::string symbol = "TQ" + unique_tag();
  auto conn = db();
  // Three months of 2025 (monthly partitions): 6 ticks two and a half
  // months before T, 6 a month and a half before, 12 in the ten days before
  // T (two pairs on one timestamp), 2 at and after T.
  const EpochMs t0 = 1'750'000'000'000;  // 2025-06-15
  std::vector<Tick> ticks;
  std::int64_t volume = 1;
  const auto add = [&](EpochMs ts, int partition = 0) {
    ticks.push_back({ts, partition, volume, volume});
    ++volume;
  };
  for (int i = 0; i < 6; ++i) add(t0 - 75 * kDay + i * 1000);
  for (int i = 0; i < 6; ++i) add(t0 - 45 * kDay + i * 1000);
  for (int i = 0; i < 10; ++i) add(t0 - 10 * kDay + i * kDay / 2);
  add(t0 - 3 * kDay, 1);  // ties with one above on ts, later partition
  add(t0 - 3 * kDay, 0);  // and a later offset
  add(t0);
  add(t0 + kDay);
  for (const auto& t : ticks) {
    auto ok = conn.exec(
        "INSERT INTO stock_prices (symbol, ts, price, volume, source, currency, src_partition, src_offset) "
        "VALUES ($1, to_timestamp($2::bigint / 1000.0), 10, $3::bigint, 'itest', 'USD', $4::int, $5::bigint)",
        {symbol, std::to_string(t.ts), std::to_string(t.volume), std::to_string(t.partition), std::to_string(t.offset)});
    ASSERT_TRUE(ok) << ok.error().message;
  }

  struct Case {
    std::optional<EpochMs> from;
    std::optional<EpochMs> to;
    std::int64_t limit;
  };
  const std::vector<Case> cases = {
      {std::nullopt, t0, 5},                  // all in the month before T
      {std::nullopt, t0, 14},                 // the month's 12, then 2 older
      {std::nullopt, t0, 100},                // everything before T
      {t0 - 50 * kDay, t0, 100},              // from within the older rows
      {t0 - 5 * kDay, t0, 100},               // narrower than the month
      {std::nullopt, std::nullopt, 3},        // no bounds: the newest
      {std::nullopt, std::nullopt, 1000},     // no bounds: all
      {t0 - 80 * kDay, t0 - 40 * kDay, 7},    // entirely before the month
  };
  // Anchors: T itself, far before and after the rows, and inside them.
  const std::vector<EpochMs> anchors = {t0, t0 - 400 * kDay, t0 + 400 * kDay, t0 - 44 * kDay, 0};
  for (const auto& c : cases) {
    const auto want = expected(ticks, c.from, c.to, c.limit);
    for (const EpochMs anchor : anchors) {
      const EpochMs a = c.to && anchor == t0 ? *c.to : anchor;
      auto got = api::ticks_json(conn, symbol, c.from, c.to, c.limit, a);
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(volumes(*got), want) << "from " << c.from.value_or(-1) << " to " << c.to.value_or(-1) << " limit "
                                     << c.limit << " anchor " << a;
    }
  }
  ASSERT_TRUE(conn.exec("DELETE FROM stock_prices WHERE symbol = $1", {symbol}));
}

}  // namespace
}  // namespace st::itest
