#pragma once
// Which tracked companies a news text mentions, for the `symbols` of a
// news-articles message. A company is mentioned by
//  - its ticker as a cashtag ("$AAPL") or after an exchange ("NYSE: IBM",
//    "(Nasdaq:MSFT)"), whatever its length;
//  - its ticker as a whole upper-case word when it has three or more
//    characters ("AAPL shares rose"): one- and two-letter tickers (F, T, GE,
//    MS) are ordinary words too often to count alone;
//  - its name without the legal form ("Apple Inc." -> "Apple", "The Boeing
//    Company" -> "Boeing"), as a whole word with its capitals: proper nouns
//    are written so, which keeps "apple pie" from meaning Apple.
// Pure; immutable once built, so one instance may serve several threads.
#include <string>
#include <string_view>
#include <vector>

namespace st::ingest::providers {

struct CompanyName {
  std::string symbol;  // canonical ("BRK.B")
  std::string name;    // as in the companies table ("Apple Inc.")
};

/// "Apple Inc." -> "Apple"; empty when nothing distinctive is left.
std::string short_company_name(std::string_view name);

class SymbolMatcher {
 public:
  SymbolMatcher() = default;
  explicit SymbolMatcher(const std::vector<CompanyName>& companies);

  /// The symbols `text` mentions, in the order of `companies`, each once,
  /// at most 50 (the news-articles schema's limit).
  [[nodiscard]] std::vector<std::string> mentioned(std::string_view text) const;
  [[nodiscard]] bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::string symbol;
    std::string name;  // short name; empty: match by ticker only
  };
  std::vector<Entry> entries_;
};

}  // namespace st::ingest::providers
