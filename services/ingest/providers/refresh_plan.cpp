#include "refresh_plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace st::ingest::providers {
namespace {

constexpr double kDayMs = 86'400'000;

}  // namespace

std::vector<SymbolRefresh> plan_refresh(const std::vector<WatchedSymbol>& symbols, const RefreshPlanOptions& options) {
  std::map<std::string, std::int64_t> watchers;  // distinct and sorted; duplicates add up
  for (const auto& s : symbols) watchers[s.symbol] += std::max<std::int64_t>(s.watchers, 0);

  struct Entry {
    std::string symbol;
    double weight;
    bool capped = false;
    double per_day = 0;
  };
  std::vector<Entry> entries;
  for (const auto& [symbol, w] : watchers) entries.push_back({symbol, std::sqrt(static_cast<double>(std::max<std::int64_t>(w, 1)))});

  // Water-filling: share the budget by weight; whoever would go faster than
  // the minimum interval is capped there, and the rest is shared again.
  const double max_rate = kDayMs / static_cast<double>(std::max<EpochMs>(options.min_interval_ms, 1));
  for (bool changed = true; changed;) {
    changed = false;
    double budget = std::max(options.daily_budget, 0.0);
    double weight = 0;
    for (const auto& e : entries) {
      if (e.capped) {
        budget -= max_rate;
      } else {
        weight += e.weight;
      }
    }
    budget = std::max(budget, 0.0);
    for (auto& e : entries) {
      if (e.capped) continue;
      e.per_day = weight > 0 ? budget * e.weight / weight : 0;
      if (e.per_day > max_rate) {
        e.capped = true;
        changed = true;
      }
    }
  }

  std::vector<SymbolRefresh> plan;
  plan.reserve(entries.size());
  for (const auto& e : entries) {
    EpochMs interval = options.max_interval_ms;
    if (e.capped) {
      interval = options.min_interval_ms;
    } else if (e.per_day > 0) {
      interval = static_cast<EpochMs>(std::ceil(kDayMs / e.per_day));
    }
    plan.push_back({e.symbol, std::clamp(interval, options.min_interval_ms, options.max_interval_ms)});
  }
  return plan;
}

double planned_per_day(const std::vector<SymbolRefresh>& plan) {
  double total = 0;
  for (const auto& p : plan) total += kDayMs / static_cast<double>(std::max<EpochMs>(p.interval_ms, 1));
  return total;
}

}  // namespace st::ingest::providers
