#pragma once
// The companies table's side of Alpha Vantage OVERVIEW (providers/
// metadata_poller.hpp): which companies lack metadata, and filling it in.
// Each call opens its own connection (a few calls an hour); failures are
// logged and returned, never fatal to ingest.
#include <optional>
#include <string>
#include <vector>

#include "providers/alpha_vantage_overview.hpp"
#include "stocktracker/base/error.hpp"

namespace st::ingest {

/// Valid symbols as a PostgreSQL text[] literal ("{AAPL,BRK.B}"): they
/// need no quoting.
std::string symbols_array_literal(const std::vector<std::string>& symbols);

/// The tracked companies and the configured `symbols` whose row lacks a
/// sector, industry or exchange, has the symbol as its name, or does not
/// exist: first those shown by their bare ticker (no name, or no row), the
/// most visible gap, then the most watched; nullopt when the database cannot
/// be read.
std::optional<std::vector<std::string>> load_incomplete_companies(const std::string& database_url,
                                                                  const std::vector<std::string>& symbols);

/// Fills in a company's row from `profile`: only what the row lacks (NULL
/// sector, industry, exchange; a name that is just the symbol), so curated
/// values (the seeded GICS names, an operator's edits) are never overwritten.
/// A company without a row gets one (currency from the profile, else USD).
Status store_company_profile(const std::string& database_url, const providers::alpha_vantage::CompanyProfile& profile);

}  // namespace st::ingest
