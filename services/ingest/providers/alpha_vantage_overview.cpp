#include "alpha_vantage_overview.hpp"

#include <algorithm>

#include "alpha_vantage.hpp"

namespace st::ingest::providers::alpha_vantage {
namespace {

constexpr ProviderId kId = ProviderId::kAlphaVantage;

/// A field's value, or "" for a missing one, "None", "-" or one longer than
/// the companies table allows (`max` characters).
std::string field(const boost::json::object& o, std::string_view key, std::size_t max) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return "";
  const std::string_view text = v->get_string();
  if (text.empty() || text == "None" || text == "-" || text.size() > max) return "";
  return std::string(text);
}

/// "COMPUTER & OFFICE EQUIPMENT" -> "Computer & Office Equipment"; text
/// already in mixed case is kept as it is.
std::string title_case(std::string text) {
  bool has_lower = false;
  for (const char c : text) has_lower = has_lower || (c >= 'a' && c <= 'z');
  if (has_lower) return text;
  bool start = true;
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z' && !start) c = static_cast<char>(c - 'A' + 'a');
    start = c == ' ' || c == '-' || c == '/' || c == '(';
  }
  return text;
}

bool is_currency(std::string_view c) {
  return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

}  // namespace

httpclient::Request overview_request(std::string_view base_url, std::string_view api_key, std::string_view symbol) {
  return {.url = std::string(base_url) + "/query",
          .query = {{"function", "OVERVIEW"}, {"symbol", std::string(symbol)}, {"apikey", std::string(api_key)}},
          .headers = {}};
}

OverviewResult read_overview(const httpclient::Response& response, std::string_view symbol, EpochMs now) {
  auto opened = open_answer(response, symbol, now);
  if (auto* done = std::get_if<FetchResult>(&opened)) return {std::move(*done), std::nullopt};
  const auto& obj = std::get<boost::json::object>(opened);
  if (obj.empty()) {
    // Alpha Vantage's only answer for a symbol it does not know.
    FetchResult r;
    r.outcome = Outcome::kBadSymbol;
    r.detail = "alphavantage: no overview for " + std::string(symbol);
    return {std::move(r), std::nullopt};
  }
  const auto* echoed = obj.if_contains("Symbol");
  if (echoed == nullptr || !echoed->is_string() || canonical_symbol(echoed->get_string()) != canonical_symbol(symbol)) {
    return {malformed(kId, "schema", "Symbol: missing or another symbol's", response.body), std::nullopt};
  }
  CompanyProfile p{.symbol = canonical_symbol(symbol),
                   .name = field(obj, "Name", 200),
                   .sector = title_case(field(obj, "Sector", 100)),
                   .industry = title_case(field(obj, "Industry", 100)),
                   .exchange = field(obj, "Exchange", 32),
                   .currency = field(obj, "Currency", 3)};
  if (!is_currency(p.currency)) p.currency.clear();
  return {FetchResult{}, std::move(p)};
}

}  // namespace st::ingest::providers::alpha_vantage
