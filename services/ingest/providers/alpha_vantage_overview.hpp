#pragma once
// Alpha Vantage OVERVIEW: a company's metadata ({"Symbol": "IBM", "Name":
// "International Business Machines", "Exchange": "NYSE", "Currency": "USD",
// "Sector": "TECHNOLOGY", "Industry": "COMPUTER & OFFICE EQUIPMENT", ...}),
// for filling in the companies table (company_metadata.hpp). Its answer for
// an unknown symbol is {}; errors and rate limits are Alpha Vantage's usual
// HTTP 200 bodies (alpha_vantage.hpp). "None" and "-" mean no value. Pure.
#include <optional>
#include <string>
#include <string_view>

#include "provider.hpp"

namespace st::ingest::providers::alpha_vantage {

/// What OVERVIEW says about a company; an empty field: it did not say.
struct CompanyProfile {
  std::string symbol;  // canonical
  std::string name;
  std::string sector;    // "Technology" (Alpha Vantage's upper case made title case)
  std::string industry;
  std::string exchange;  // "NYSE", "NASDAQ"
  std::string currency;  // ISO 4217, upper case
  bool operator==(const CompanyProfile&) const = default;
};

struct OverviewResult {
  FetchResult fetch;  // the outcome for the gate; rejections for the DLQ
  std::optional<CompanyProfile> profile;  // set when fetch.outcome is kOk
};

httpclient::Request overview_request(std::string_view base_url, std::string_view api_key, std::string_view symbol);

OverviewResult read_overview(const httpclient::Response& response, std::string_view symbol, EpochMs now);

}  // namespace st::ingest::providers::alpha_vantage
