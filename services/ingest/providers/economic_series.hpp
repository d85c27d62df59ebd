#pragma once
// The economic indicators ingest publishes, and where each comes from: one
// row per indicator, naming its FRED series and its Alpha Vantage function,
// so that either provider can stand in for the other (the failover chain
// asks FRED first). Both give the same first-day-of-period dates for these
// series, so a value has the same message id ("CPI:2024-05-01") whichever
// provider gave it, and the two de-duplicate each other.
//
// | indicator          | FRED series    | Alpha Vantage                                 | released  | polled every |
// |--------------------|----------------|-----------------------------------------------|-----------|--------------|
// | REAL_GDP           | GDPC1          | REAL_GDP interval=quarterly                   | quarterly | 24 h         |
// | CPI                | CPIAUCSL       | CPI interval=monthly                          | monthly   | 12 h         |
// | INFLATION          | FPCPITOTLZGUSA | INFLATION (annual)                            | annually  | 24 h         |
// | FEDERAL_FUNDS_RATE | FEDFUNDS       | FEDERAL_FUNDS_RATE interval=monthly           | monthly   | 12 h         |
// | TREASURY_YIELD     | DGS10          | TREASURY_YIELD interval=daily maturity=10year | daily     | 2 h          |
// | UNEMPLOYMENT       | UNRATE         | UNEMPLOYMENT (monthly)                        | monthly   | 12 h         |
//
// The unit is the table's, not the provider's, so it does not change when
// the provider does (Alpha Vantage's "billions of dollars" for REAL_GDP is
// FRED's chained 2017 dollars).
#include <boost/json/array.hpp>

#include <span>
#include <string_view>

#include "provider.hpp"

namespace st::ingest::providers {

struct EconomicSeries {
  std::string_view indicator;     // the message's indicator (and id prefix)
  std::string_view fred_series;   // FRED series_id
  std::string_view av_function;   // Alpha Vantage function
  std::string_view av_interval;   // its interval parameter; empty: none (the function has one)
  std::string_view av_maturity;   // TREASURY_YIELD's maturity parameter; empty: none
  std::string_view unit;
  EpochMs poll_every_ms;          // suited to how often the series gets a new value
};

/// Every indicator, in the table's order.
std::span<const EconomicSeries> economic_series();

/// Reads a list of {"date": "YYYY-MM-DD", "value": "1.23"} observations
/// (both providers' shape) into `result.indicators`, oldest first, keeping
/// the newest `keep` dated ones: released_ts is `now` (neither answer says
/// when a value came out). A value of "." is the providers' documented
/// "no value for this date" (a holiday, a series not yet out): skipped,
/// not dead-lettered; any other unreadable row is a schema rejection.
void read_observations(FetchResult& result, ProviderId provider, const EconomicSeries& series,
                       const boost::json::array& rows, std::size_t keep, EpochMs now);

}  // namespace st::ingest::providers
