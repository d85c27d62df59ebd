#include "candle_rollup.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/json/object.hpp>

#include "candles.hpp"
#include "rollup_json.hpp"
#include "stocktracker/model/market_time.hpp"

namespace st::process {
namespace {

constexpr EpochMs kHourMs = 3'600'000;

EpochMs floor_to(EpochMs ts, EpochMs unit) { return ts >= 0 ? ts - ts % unit : ts - ((ts % unit) + unit) % unit; }

}  // namespace

EpochMs rollup_start(RollupInterval interval, EpochMs ts) {
  switch (interval) {
    case RollupInterval::kHour:
      return floor_to(ts, kHourMs);
    case RollupInterval::kDay: {
      // Not ts - ms of day: on a DST day the wall clock since midnight and
      // the time elapsed differ by an hour. The offset in force at midnight
      // is that of the instant one offset-guess away (changes happen at
      // 02:00 local, never near midnight).
      const EpochMs local_midnight = model::new_york_day(ts) * 86'400'000;
      const EpochMs guess = local_midnight - model::new_york_utc_offset_ms(ts);
      return local_midnight - model::new_york_utc_offset_ms(guess);
    }
  }
  return ts;
}

EpochMs rollup_end(RollupInterval interval, EpochMs start) {
  switch (interval) {
    case RollupInterval::kHour:
      return start + kHourMs;
    case RollupInterval::kDay:
      // A New York day lasts 23, 24 or 25 hours: 26 hours after its start
      // always lies in the next day.
      return rollup_start(interval, start + 26 * kHourMs);
  }
  return start;
}

void CandleAgg::add(const CandleAgg& part) {
  if (part.ticks == 0) return;
  if (ticks == 0) {
    *this = part;
    return;
  }
  if (part.first_start < first_start) {
    first_start = part.first_start;
    open = part.open;
  }
  if (part.last_start > last_start) {
    last_start = part.last_start;
    close = part.close;
  }
  high = std::max(high, part.high);
  low = std::min(low, part.low);
  volume += part.volume;
  price_volume += part.price_volume;
  ticks += part.ticks;
}

CandleAgg part_of(const model::Candle& c) {
  return {c.start_ts, c.start_ts,      c.open, c.high, c.low, c.close, c.volume,
          c.vwap ? *c.vwap * static_cast<double>(c.volume) : 0.0, c.ticks};
}

RollupBucket* CandleRollup::find(const std::string& symbol, EpochMs start) {
  auto it = buckets_.find(symbol);
  if (it == buckets_.end()) return nullptr;
  for (auto& b : it->second) {
    if (b.start == start) return &b;
  }
  return nullptr;
}

void CandleRollup::on_candle(const model::Candle& c) {
  const EpochMs start = rollup_start(interval_, c.start_ts);
  RollupBucket* b = find(c.symbol, start);
  if (b == nullptr) {
    auto& list = buckets_[c.symbol];
    auto it = std::lower_bound(list.begin(), list.end(), start,
                               [](const RollupBucket& x, EpochMs s) { return x.start < s; });
    RollupBucket fresh;
    fresh.start = start;
    b = &*list.insert(it, std::move(fresh));
    const EpochMs end = rollup_end(interval_, start);
    to_fire_[end].emplace_back(c.symbol, start);
    to_purge_[end + lateness_ms_].emplace_back(c.symbol, start);
  }
  auto part = std::find_if(b->pending.begin(), b->pending.end(),
                           [&](const CandleAgg& p) { return p.first_start == c.start_ts; });
  if (c.final) {
    // The part's last version: folded for good.
    if (part != b->pending.end()) b->pending.erase(part);
    b->sealed.add(part_of(c));
  } else if (part != b->pending.end()) {
    *part = part_of(c);
  } else {
    b->pending.push_back(part_of(c));
  }
  if (b->fired) updated_.emplace(c.symbol, start);
}

model::Candle CandleRollup::to_candle(const std::string& symbol, const RollupBucket& b, bool final) const {
  CandleAgg sum = b.sealed;
  for (const auto& p : b.pending) sum.add(p);
  WindowAcc acc;
  acc.start = b.start;
  acc.open = sum.open;
  acc.high = sum.high;
  acc.low = sum.low;
  acc.close = sum.close;
  acc.volume = sum.volume;
  acc.price_volume = sum.price_volume;
  acc.ticks = sum.ticks;
  return make_candle(symbol, acc, rollup_end(interval_, b.start), final);
}

void CandleRollup::advance(std::optional<EpochMs> watermark, std::vector<model::Candle>& out) {
  const bool due = watermark && ((!to_fire_.empty() && to_fire_.begin()->first <= *watermark) ||
                                 (!to_purge_.empty() && to_purge_.begin()->first <= *watermark));
  if (!due && updated_.empty()) return;
  if (watermark) {
    while (!to_fire_.empty() && to_fire_.begin()->first <= *watermark) {
      auto node = to_fire_.extract(to_fire_.begin());
      std::sort(node.mapped().begin(), node.mapped().end());
      for (const auto& [symbol, start] : node.mapped()) {
        RollupBucket* b = find(symbol, start);
        if (b == nullptr || b->fired) continue;
        b->fired = true;
        // Without allowed lateness the purge below emits the one final result.
        if (lateness_ms_ > 0) out.push_back(to_candle(symbol, *b, false));
        updated_.erase({symbol, start});
      }
    }
    while (!to_purge_.empty() && to_purge_.begin()->first <= *watermark) {
      auto node = to_purge_.extract(to_purge_.begin());
      std::sort(node.mapped().begin(), node.mapped().end());
      for (const auto& [symbol, start] : node.mapped()) {
        auto it = buckets_.find(symbol);
        if (it == buckets_.end()) continue;
        auto& list = it->second;
        auto b = std::find_if(list.begin(), list.end(), [&](const RollupBucket& x) { return x.start == start; });
        if (b == list.end()) continue;
        b->fired = true;
        out.push_back(to_candle(symbol, *b, true));
        updated_.erase({symbol, start});
        list.erase(b);
        if (list.empty()) buckets_.erase(it);
      }
    }
  }
  // Late updates of buckets that fired and are still open.
  for (const auto& [symbol, start] : updated_) {
    if (const RollupBucket* b = find(symbol, start)) out.push_back(to_candle(symbol, *b, false));
  }
  updated_.clear();
}

const std::vector<RollupBucket>* CandleRollup::buckets_of(const std::string& symbol) const {
  auto it = buckets_.find(symbol);
  return it == buckets_.end() ? nullptr : &it->second;
}

void CandleRollup::restore(const std::string& symbol, std::vector<RollupBucket> buckets) {
  std::sort(buckets.begin(), buckets.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (const auto& b : buckets) {
    const EpochMs end = rollup_end(interval_, b.start);
    if (!b.fired) to_fire_[end].emplace_back(symbol, b.start);
    to_purge_[end + lateness_ms_].emplace_back(symbol, b.start);
  }
  if (buckets.empty()) {
    buckets_.erase(symbol);
  } else {
    buckets_[symbol] = std::move(buckets);
  }
}

std::size_t CandleRollup::open_buckets() const {
  std::size_t n = 0;
  for (const auto& [symbol, list] : buckets_) n += list.size();
  return n;
}

namespace {

namespace json = boost::json;

json::array encode_agg(const CandleAgg& a) {
  return {a.first_start, a.last_start, a.open, a.high, a.low, a.close, a.volume, a.price_volume, a.ticks};
}

CandleAgg decode_agg(const json::value& v) {
  const auto& a = v.as_array();
  if (a.size() != 9) throw std::invalid_argument("a candle part has 9 fields");
  // to_number throws on anything but a number, like as_int64 does.
  return {a[0].as_int64(),           a[1].as_int64(), a[2].to_number<double>(), a[3].to_number<double>(),
          a[4].to_number<double>(),  a[5].to_number<double>(), a[6].as_int64(), a[7].to_number<double>(),
          a[8].as_int64()};
}

}  // namespace

json::array encode_buckets(const std::vector<RollupBucket>& buckets) {
  json::array out;
  for (const auto& b : buckets) {
    json::array pending;
    for (const auto& p : b.pending) pending.push_back(encode_agg(p));
    out.push_back(json::object{
        {"start", b.start}, {"sealed", encode_agg(b.sealed)}, {"pending", std::move(pending)}, {"fired", b.fired}});
  }
  return out;
}

std::vector<RollupBucket> decode_buckets(const json::array& array) {
  std::vector<RollupBucket> out;
  for (const auto& v : array) {
    const auto& o = v.as_object();
    RollupBucket b;
    b.start = o.at("start").as_int64();
    b.sealed = decode_agg(o.at("sealed"));
    for (const auto& p : o.at("pending").as_array()) b.pending.push_back(decode_agg(p));
    b.fired = o.at("fired").as_bool();
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace st::process
