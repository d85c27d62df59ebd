#pragma once
// The messages carried on Kafka topics (DESIGN.md §4), as plain values.
// Field names match schemas/<topic>.schema.json exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "stocktracker/base/clock.hpp"

namespace st::model {

inline constexpr int kSchemaVersion = 1;

/// One trade or quote. `price` is in `currency` units per share; `volume`
/// is shares traded since the previous tick of the same source.
struct PriceTick {
  std::string symbol;
  double price = 0;
  std::int64_t volume = 0;
  EpochMs ts = 0;  // event time, UTC epoch ms
  std::string source;
  std::string currency = "USD";
  bool operator==(const PriceTick&) const = default;
};

struct NewsArticle {
  std::string id;  // hex hash of the URL
  std::string url;
  std::string title;
  std::string summary;
  std::string source;
  EpochMs published_ts = 0;
  std::vector<std::string> symbols;
  bool operator==(const NewsArticle&) const = default;
};

struct EconomicIndicator {
  std::string id;         // "<indicator>:<period>"
  std::string indicator;  // CPI, REAL_GDP, ...
  std::string period;     // YYYY-MM-DD
  double value = 0;
  std::string unit;
  std::string source;
  EpochMs released_ts = 0;
  bool operator==(const EconomicIndicator&) const = default;
};

}  // namespace st::model
