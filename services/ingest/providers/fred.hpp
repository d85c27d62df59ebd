#pragma once
// FRED, the St. Louis Fed's economic data API
// (https://fred.stlouisfed.org/docs/api/fred/series_observations.html):
// the request for a series' observations and the reading of its answer
// into economic-indicators messages. Pure: the caller does the HTTP.
//
// The key is the api_key query parameter (FRED has no header for it).
// Answers: 200 {"observations": [{"date": "2024-05-01", "value": "313.225",
// ...}], ...} with "." as the value of a date without one; errors are
// {"error_code": N, "error_message": "..."} with HTTP N:
//  - 429 "Too Many Requests.  Exceeded Rate Limit": rate limited (FRED
//    allows 120 requests a minute per key);
//  - 400 "...The series does not exist.": the series is unknown (another
//    provider may have the indicator);
//  - 400 "...api_key is not registered..." and other 400s: bad request;
//  - 5xx: server error.
#include <string_view>

#include "economic_series.hpp"
#include "provider.hpp"

namespace st::ingest::providers::fred {

/// /fred/series/observations for `series`, newest `limit` observations.
httpclient::Request observations_request(std::string_view base_url, std::string_view api_key,
                                         const EconomicSeries& series, std::size_t limit);

/// The newest `keep` observations of the answer, oldest first.
FetchResult read_observations(const httpclient::Response& response, const EconomicSeries& series, std::size_t keep,
                              EpochMs now);

}  // namespace st::ingest::providers::fred
