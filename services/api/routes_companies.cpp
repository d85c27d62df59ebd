// GET /api/companies, GET /api/companies/:id/prices.
#include <charconv>

#include "context.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::api {
namespace {

/// An optional integer query parameter within [min, max].
std::optional<http::Response> int_param(const http::Request& req, std::string_view name, std::int64_t min,
                                        std::int64_t max, std::int64_t& out) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || p != v->data() + v->size() || n < min || n > max) {
    return http::problem(400, "Invalid query parameter",
                         std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                             std::to_string(max),
                         name);
  }
  out = n;
  return std::nullopt;
}

std::optional<http::Response> time_param(const http::Request& req, std::string_view name,
                                         std::optional<EpochMs>& out) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  out = parse_time(*v);
  if (!out) {
    return http::problem(400, "Invalid query parameter",
                         std::string(name) + " must be an ISO 8601 time (2026-11-27T10:00:00Z) or epoch milliseconds",
                         name);
  }
  return std::nullopt;
}

void append_nullable(std::string& out, const pg::Rows& rows, int r, int c) {
  if (rows.is_null(r, c)) {
    out += "null";
  } else {
    append_json_string(out, rows.get(r, c));
  }
}

}  // namespace

http::Response database_problem(const Error& error) {
  log::error("database error", {{"error", error.message}});
  return http::problem(503, "Service Unavailable", "the database is not available; retry later");
}

void add_company_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/companies", [&ctx](const http::Request& req) {
    std::int64_t limit = 50;
    std::int64_t offset = 0;
    if (auto p = int_param(req, "limit", 1, 500, limit)) return *p;
    if (auto p = int_param(req, "offset", 0, 1'000'000, offset)) return *p;
    const std::string q(req.query_param("q").value_or(""));
    const std::string sector(req.query_param("sector").value_or(""));
    if (q.size() > 100) return http::problem(400, "Invalid query parameter", "q is longer than 100 characters", "q");
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    // Search matches a symbol prefix or a name substring, case-insensitively.
    auto rows = (*lease)->exec(
        "SELECT id, symbol, name, sector, industry, exchange, currency, count(*) OVER () "
        "FROM companies "
        "WHERE ($1 = '' OR symbol LIKE upper($1) || '%' OR lower(name) LIKE '%' || lower($1) || '%') "
        "  AND ($2 = '' OR sector = $2) "
        "ORDER BY symbol LIMIT $3::int OFFSET $4::int",
        {q, sector, std::to_string(limit), std::to_string(offset)});
    if (!rows) return database_problem(rows.error());
    std::string body = "{\"items\":[";
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += "{\"id\":";
      body += rows->get(i, 0);
      body += ",\"symbol\":";
      append_json_string(body, rows->get(i, 1));
      body += ",\"name\":";
      append_json_string(body, rows->get(i, 2));
      body += ",\"sector\":";
      append_nullable(body, *rows, i, 3);
      body += ",\"industry\":";
      append_nullable(body, *rows, i, 4);
      body += ",\"exchange\":";
      append_nullable(body, *rows, i, 5);
      body += ",\"currency\":";
      append_json_string(body, rows->get(i, 6));
      body.push_back('}');
    }
    body += "],\"total\":";
    body += rows->size() > 0 ? std::string(rows->get(0, 7)) : "0";
    body += ",\"limit\":" + std::to_string(limit) + ",\"offset\":" + std::to_string(offset) + "}";
    return http::json(200, std::move(body));
  });

  router.add("GET", "/api/companies/:id/prices", [&ctx](const http::Request& req) {
    const std::string& id = req.params.at("id");
    std::int64_t limit = 1000;
    if (auto p = int_param(req, "limit", 1, 10000, limit)) return *p;
    std::optional<EpochMs> from;
    std::optional<EpochMs> to;
    if (auto p = time_param(req, "from", from)) return *p;
    if (auto p = time_param(req, "to", to)) return *p;
    if (from && to && *from >= *to) return http::problem(400, "Invalid time range", "from must be before to", "from");
    if (auto interval = req.query_param("interval"); interval && *interval != "tick") {
      return http::problem(400, "Invalid query parameter", "interval: only tick is served by this version",
                           "interval");
    }
    const bool numeric_id = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18;
    if (!numeric_id && !model::valid_symbol(id)) {
      return http::problem(400, "Invalid company", "id must be a company id or a symbol", "id");
    }
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    auto company = (*lease)->exec(numeric_id ? "SELECT id, symbol FROM companies WHERE id = $1::bigint"
                                             : "SELECT id, symbol FROM companies WHERE symbol = $1",
                                  {id});
    if (!company) return database_problem(company.error());
    if (company->size() == 0) return http::problem(404, "Not Found", "no company " + id, "id");
    const std::string symbol(company->get(0, 1));

    // Newest first within the range, then returned oldest first.
    auto rows = (*lease)->exec(
        "SELECT ts_ms, price::float8, volume, source FROM ("
        "  SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, price, volume, source, ts, src_partition, "
        "         src_offset "
        "  FROM stock_prices WHERE symbol = $1 "
        "    AND ($2::bigint IS NULL OR ts >= to_timestamp($2::bigint / 1000.0)) "
        "    AND ($3::bigint IS NULL OR ts < to_timestamp($3::bigint / 1000.0)) "
        "  ORDER BY ts DESC, src_partition DESC, src_offset DESC LIMIT $4::int) t "
        "ORDER BY ts, src_partition, src_offset",
        {symbol, from ? pg::Param(std::to_string(*from)) : std::nullopt,
         to ? pg::Param(std::to_string(*to)) : std::nullopt, std::to_string(limit)});
    if (!rows) return database_problem(rows.error());
    std::string body = "{\"company\":{\"id\":";
    body += company->get(0, 0);
    body += ",\"symbol\":";
    append_json_string(body, symbol);
    body += "},\"interval\":\"tick\",\"prices\":[";
    body.reserve(body.size() + static_cast<std::size_t>(rows->size()) * 64);
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += "{\"ts\":";
      body += rows->get(i, 0);
      body += ",\"price\":";
      body += rows->get(i, 1);  // numeric text is a valid JSON number
      body += ",\"volume\":";
      body += rows->get(i, 2);
      body += ",\"source\":";
      append_json_string(body, rows->get(i, 3));
      body.push_back('}');
    }
    body += "]}";
    return http::json(200, std::move(body));
  });
}

}  // namespace st::api
