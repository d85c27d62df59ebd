#include "candles.hpp"

#include <algorithm>

namespace st::process {

EpochMs CandleWindows::window_start(EpochMs ts) {
  const EpochMs w = model::kCandleWindowMs;
  return ts >= 0 ? ts - ts % w : ts - ((ts % w) + w) % w;
}

std::optional<EpochMs> CandleWindows::watermark() const {
  if (!max_ts_) return floor_;
  const EpochMs own = *max_ts_ - config_.out_of_orderness_ms;
  return floor_ && *floor_ > own ? *floor_ : own;
}

bool CandleWindows::advance_to(EpochMs watermark, std::vector<model::Candle>& out) {
  if (const auto wm = this->watermark(); wm && *wm >= watermark) return false;
  floor_ = watermark;
  advance(out);
  return true;
}

model::Candle make_candle(const std::string& symbol, const WindowAcc& w, EpochMs end_ts, bool final) {
  model::Candle c;
  c.symbol = symbol;
  c.start_ts = w.start;
  c.end_ts = end_ts;
  c.open = w.open;
  c.high = w.high;
  c.low = w.low;
  c.close = w.close;
  c.volume = w.volume;
  if (w.volume > 0) c.vwap = w.price_volume / static_cast<double>(w.volume);
  c.ticks = w.ticks;
  c.final = final;
  return c;
}

model::Candle CandleWindows::to_candle(const std::string& symbol, const WindowAcc& w, bool final) {
  return make_candle(symbol, w, w.start + model::kCandleWindowMs, final);
}

CandleWindows::Added CandleWindows::add(const model::PriceTick& tick, std::vector<model::Candle>& out) {
  const EpochMs start = window_start(tick.ts);
  const EpochMs end = start + model::kCandleWindowMs;
  const auto wm = watermark();
  if (wm && end + config_.allowed_lateness_ms <= *wm) {
    ++late_;
    return Added::kLate;
  }
  auto& list = windows_[tick.symbol];
  auto it = std::lower_bound(list.begin(), list.end(), start,
                             [](const WindowAcc& w, EpochMs s) { return w.start < s; });
  if (it == list.end() || it->start != start) {
    WindowAcc w;
    w.start = start;
    w.open = w.high = w.low = w.close = tick.price;
    w.open_ts = w.close_ts = tick.ts;
    it = list.insert(it, w);
    to_fire_[end].push_back(tick.symbol);
    to_purge_[end + config_.allowed_lateness_ms].push_back(tick.symbol);
  } else {
    WindowAcc& w = *it;
    if (tick.ts < w.open_ts) {
      w.open = tick.price;
      w.open_ts = tick.ts;
    }
    if (tick.ts >= w.close_ts) {
      w.close = tick.price;
      w.close_ts = tick.ts;
    }
    w.high = std::max(w.high, tick.price);
    w.low = std::min(w.low, tick.price);
  }
  it->volume += tick.volume;
  it->price_volume += tick.price * static_cast<double>(tick.volume);
  ++it->ticks;
  if (wm && end <= *wm) {
    // A late tick within the allowed lateness: the window's result is
    // updated and emitted at once, as Flink's event-time trigger does.
    it->fired = true;
    out.push_back(to_candle(tick.symbol, *it, false));
  }

  if (!max_ts_ || tick.ts > *max_ts_) {
    max_ts_ = tick.ts;
    advance(out);
  }
  return Added::kAccepted;
}

void CandleWindows::advance(std::vector<model::Candle>& out) {
  const EpochMs wm = *watermark();
  // Fire every window whose end the watermark reached, oldest first, then
  // by symbol, so the output order is deterministic.
  while (!to_fire_.empty() && to_fire_.begin()->first <= wm) {
    auto node = to_fire_.extract(to_fire_.begin());
    const EpochMs start = node.key() - model::kCandleWindowMs;
    std::sort(node.mapped().begin(), node.mapped().end());
    for (const auto& symbol : node.mapped()) {
      auto& list = windows_[symbol];
      for (auto& w : list) {
        if (w.start == start && !w.fired) {
          w.fired = true;
          out.push_back(to_candle(symbol, w, config_.allowed_lateness_ms == 0));
        }
      }
    }
  }
  while (!to_purge_.empty() && to_purge_.begin()->first <= wm) {
    auto node = to_purge_.extract(to_purge_.begin());
    const EpochMs start = node.key() - config_.allowed_lateness_ms - model::kCandleWindowMs;
    std::sort(node.mapped().begin(), node.mapped().end());
    for (const auto& symbol : node.mapped()) {
      auto wit = windows_.find(symbol);
      if (wit == windows_.end()) continue;
      auto& list = wit->second;
      for (auto it = list.begin(); it != list.end(); ++it) {
        if (it->start != start) continue;
        if (config_.allowed_lateness_ms > 0) out.push_back(to_candle(symbol, *it, true));
        list.erase(it);
        break;
      }
      if (list.empty()) windows_.erase(wit);
    }
  }
}

const std::vector<WindowAcc>* CandleWindows::windows_of(const std::string& symbol) const {
  auto it = windows_.find(symbol);
  return it == windows_.end() ? nullptr : &it->second;
}

void CandleWindows::restore(const std::string& symbol, std::vector<WindowAcc> windows) {
  std::sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (const auto& w : windows) {
    const EpochMs end = w.start + model::kCandleWindowMs;
    if (!w.fired) to_fire_[end].push_back(symbol);
    to_purge_[end + config_.allowed_lateness_ms].push_back(symbol);
  }
  if (windows.empty()) {
    windows_.erase(symbol);
  } else {
    windows_[symbol] = std::move(windows);
  }
}

void CandleWindows::restore_progress(std::optional<EpochMs> max_event_ts, std::uint64_t late,
                                     std::optional<EpochMs> watermark_floor) {
  max_ts_ = max_event_ts;
  late_ = late;
  floor_ = watermark_floor;
}

std::size_t CandleWindows::open_windows() const {
  std::size_t n = 0;
  for (const auto& [symbol, list] : windows_) n += list.size();
  return n;
}

}  // namespace st::process
