#pragma once
// Alpha Vantage's economic indicators (REAL_GDP, CPI, INFLATION,
// FEDERAL_FUNDS_RATE, TREASURY_YIELD, UNEMPLOYMENT): the request for one
// row of economic_series.hpp and the reading of its answer
// {"name": "...", "interval": "monthly", "unit": "...", "data": [{"date":
// "2024-05-01", "value": "313.225"}, ...]} (the whole history, newest
// first; "." for a date without a value) into economic-indicators
// messages. Errors and rate limits are Alpha Vantage's usual HTTP 200
// bodies (alpha_vantage.hpp). Pure: the caller does the HTTP.
#include <string_view>

#include "economic_series.hpp"
#include "provider.hpp"

namespace st::ingest::providers::alpha_vantage {

httpclient::Request economic_request(std::string_view base_url, std::string_view api_key,
                                     const EconomicSeries& series);

/// The newest `keep` values of the answer, oldest first.
FetchResult read_economic(const httpclient::Response& response, const EconomicSeries& series, std::size_t keep,
                          EpochMs now);

}  // namespace st::ingest::providers::alpha_vantage
