#include "company_metadata_store.hpp"

#include "stocktracker/base/log.hpp"
#include "stocktracker/model/symbol.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::ingest {

std::string symbols_array_literal(const std::vector<std::string>& symbols) {
  std::string out = "{";
  for (const auto& s : symbols) {
    if (out.size() > 1) out += ',';
    out += s;
  }
  out += '}';
  return out;
}

std::optional<std::vector<std::string>> load_incomplete_companies(const std::string& database_url,
                                                                  const std::vector<std::string>& symbols) {
  auto conn = pg::Connection::connect(database_url);
  if (!conn) {
    log::warn("companies for metadata not read", {{"error", conn.error().message}});
    return std::nullopt;
  }
  auto rows = conn->exec(
      "WITH wanted AS ("
      "  SELECT c.symbol, count(uc.user_id) AS watchers, c.name = c.symbol AS nameless,"
      "         (c.sector IS NULL OR c.industry IS NULL OR c.exchange IS NULL OR c.name = c.symbol) AS incomplete"
      "  FROM companies c LEFT JOIN user_companies uc ON uc.company_id = c.id"
      "  GROUP BY c.id HAVING count(uc.user_id) > 0 OR c.symbol = ANY($1::text[])"
      "  UNION ALL"
      "  SELECT s, 0, true, true FROM unnest($1::text[]) AS s WHERE NOT EXISTS (SELECT 1 FROM companies WHERE symbol = s))"
      "SELECT symbol FROM wanted WHERE incomplete ORDER BY nameless DESC, watchers DESC, symbol",
      {symbols_array_literal(symbols)});
  if (!rows) {
    log::warn("companies for metadata not read", {{"error", rows.error().message}});
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (int i = 0; i < rows->size(); ++i) {
    std::string symbol(rows->get(i, 0));
    if (model::valid_symbol(symbol)) out.push_back(std::move(symbol));
  }
  return out;
}

Status store_company_profile(const std::string& database_url, const providers::alpha_vantage::CompanyProfile& p) {
  auto conn = pg::Connection::connect(database_url);
  if (!conn) return std::unexpected(conn.error());
  // NULLIF: an empty field is one OVERVIEW did not give.
  auto done = conn->exec(
      "INSERT INTO companies (symbol, name, sector, industry, exchange, currency) "
      "VALUES ($1, COALESCE(NULLIF($2, ''), $1), NULLIF($3, ''), NULLIF($4, ''), NULLIF($5, ''), "
      "        COALESCE(NULLIF($6, ''), 'USD')) "
      "ON CONFLICT (symbol) DO UPDATE SET "
      "  name = CASE WHEN companies.name = companies.symbol THEN EXCLUDED.name ELSE companies.name END, "
      "  sector = COALESCE(companies.sector, EXCLUDED.sector), "
      "  industry = COALESCE(companies.industry, EXCLUDED.industry), "
      "  exchange = COALESCE(companies.exchange, EXCLUDED.exchange)",
      {p.symbol, p.name, p.sector, p.industry, p.exchange, p.currency});
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace st::ingest
