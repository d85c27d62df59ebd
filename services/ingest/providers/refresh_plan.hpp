#pragma once
// Spreading a daily request budget over the symbols users watch.
//
// A symbol refreshed every T ms is on average T/2 stale when a user looks;
// with w_i users watching symbol i and r_i refreshes a day, the staleness
// users see in total is proportional to sum(w_i / r_i). Under a budget
// sum(r_i) = B that sum is smallest for r_i proportional to sqrt(w_i)
// (Lagrange: w_i / r_i^2 is the same for every i). So the most-watched
// symbols are refreshed most often, but a symbol 100 times as watched is
// refreshed 10 times as often, not 100: no symbol starves.
//
// Refreshes more often than `min_interval_ms` are pointless (providers give
// one-minute data) and are capped there, the budget they free going to the
// others ("water-filling"); a symbol is refreshed at least every
// `max_interval_ms`, even when the budget says otherwise (the plan then
// spends more than the budget, and planned_per_day() says so). Pure.
#include <cstdint>
#include <string>
#include <vector>

#include "stocktracker/base/clock.hpp"

namespace st::ingest::providers {

struct WatchedSymbol {
  std::string symbol;
  std::int64_t watchers = 0;  // users tracking it; a configured symbol counts as at least 1
};

struct RefreshPlanOptions {
  double daily_budget = 0;  // requests a day for all symbols together
  EpochMs min_interval_ms = 60'000;
  EpochMs max_interval_ms = 86'400'000;
};

struct SymbolRefresh {
  std::string symbol;
  EpochMs interval_ms = 0;
  bool operator==(const SymbolRefresh&) const = default;
};

/// One entry per distinct symbol, sorted by symbol.
std::vector<SymbolRefresh> plan_refresh(const std::vector<WatchedSymbol>& symbols, const RefreshPlanOptions& options);

/// Requests a day the plan makes.
double planned_per_day(const std::vector<SymbolRefresh>& plan);

}  // namespace st::ingest::providers
