#include "economic_series.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

#include "stocktracker/base/time_format.hpp"

namespace st::ingest::providers {
namespace {

constexpr EpochMs kHour = 3'600'000;

// A new value appears at most once a release period; polling a few times per
// period catches it the day it is out without spending quota on repeats.
constexpr std::array<EconomicSeries, 6> kSeries{{
    {"REAL_GDP", "GDPC1", "REAL_GDP", "quarterly", "", "bn chained 2017 USD, SAAR", 24 * kHour},
    {"CPI", "CPIAUCSL", "CPI", "monthly", "", "index 1982-1984=100", 12 * kHour},
    {"INFLATION", "FPCPITOTLZGUSA", "INFLATION", "", "", "percent", 24 * kHour},
    {"FEDERAL_FUNDS_RATE", "FEDFUNDS", "FEDERAL_FUNDS_RATE", "monthly", "", "percent", 12 * kHour},
    {"TREASURY_YIELD", "DGS10", "TREASURY_YIELD", "daily", "10year", "percent", 2 * kHour},
    {"UNEMPLOYMENT", "UNRATE", "UNEMPLOYMENT", "", "", "percent", 12 * kHour},
}};

}  // namespace

std::span<const EconomicSeries> economic_series() { return kSeries; }

void read_observations(FetchResult& result, ProviderId provider, const EconomicSeries& series,
                       const boost::json::array& rows, std::size_t keep, EpochMs now) {
  struct Row {
    std::string_view date;
    std::string_view value;
    const boost::json::value* json;
  };
  std::vector<Row> dated;
  const std::string source(model::to_string(provider));
  for (const auto& item : rows) {
    const auto* o = item.if_object();
    const auto* date = o != nullptr ? o->if_contains("date") : nullptr;
    const auto* value = o != nullptr ? o->if_contains("value") : nullptr;
    if (date == nullptr || !date->is_string() || value == nullptr || !value->is_string()) {
      result.rejected.push_back(
          {"schema: " + source + ": observation: needs string date and value", boost::json::serialize(item)});
      continue;
    }
    dated.push_back({date->get_string(), value->get_string(), &item});
  }
  // ISO dates sort as text; the providers differ in their order (FRED asked
  // for newest first, Alpha Vantage newest first, tests either way).
  std::sort(dated.begin(), dated.end(), [](const Row& a, const Row& b) { return a.date < b.date; });
  const std::size_t first = dated.size() > keep ? dated.size() - keep : 0;
  for (std::size_t i = first; i < dated.size(); ++i) {
    const Row& row = dated[i];
    if (row.value == ".") continue;
    const std::string row_text = boost::json::serialize(*row.json);
    const auto value = parse_decimal(row.value);
    const auto day = parse_time(row.date);
    if (!value || !day || row.date.size() != 10) {
      result.rejected.push_back({"schema: " + source + ": observation " + std::string(row.date) +
                                     ": needs a YYYY-MM-DD date and a decimal value",
                                 row_text});
      continue;
    }
    std::string id(series.indicator);
    id += ':';
    id += row.date;
    accept_indicator(result, provider,
                     {.id = std::move(id), .indicator = std::string(series.indicator), .period = std::string(row.date),
                      .value = *value, .unit = std::string(series.unit), .source = source, .released_ts = now},
                     row_text);
  }
}

}  // namespace st::ingest::providers
