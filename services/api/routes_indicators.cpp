// GET /api/indicators (every indicator with its latest release) and
// GET /api/indicators/:name (its series, oldest period first).
#include "context.hpp"
#include "stocktracker/base/json_escape.hpp"

namespace st::api {
namespace {

bool valid_indicator_name(std::string_view s) {
  if (s.size() < 2 || s.size() > 64 || s[0] < 'A' || s[0] > 'Z') return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

void add_indicator_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/indicators", [&ctx](const http::Request&) {
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    auto rows = (*lease)->exec(
        "SELECT DISTINCT ON (indicator) indicator, period::text, value::float8, unit, source, "
        "       count(*) OVER (PARTITION BY indicator) "
        "FROM economic_indicators ORDER BY indicator, period DESC, source");
    if (!rows) return database_problem(rows.error());
    std::string body = "{\"items\":[";
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += "{\"indicator\":";
      append_json_string(body, rows->get(i, 0));
      body += ",\"latest\":{\"period\":";
      append_json_string(body, rows->get(i, 1));
      body += ",\"value\":";
      body += rows->get(i, 2);
      body += ",\"unit\":";
      append_json_string(body, rows->get(i, 3));
      body += ",\"source\":";
      append_json_string(body, rows->get(i, 4));
      body += "},\"releases\":";
      body += rows->get(i, 5);
      body += "}";
    }
    body += "]}";
    return http::json(200, std::move(body));
  });

  router.add("GET", "/api/indicators/:name", [&ctx](const http::Request& req) {
    const std::string& name = req.params.at("name");
    if (!valid_indicator_name(name)) {
      return http::problem(400, "Invalid indicator", "name must match [A-Z][A-Z0-9_]+, e.g. CPI", "name");
    }
    std::int64_t limit = 500;
    if (auto p = int_param(req, "limit", 1, 5000, limit)) return *p;
    std::optional<EpochMs> from;
    std::optional<EpochMs> to;
    if (auto p = time_param(req, "from", from)) return *p;
    if (auto p = time_param(req, "to", to)) return *p;
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    // The newest `limit` periods of the range, returned oldest first.
    auto rows = (*lease)->exec(
        "SELECT period, value, unit, source, released_ms FROM ("
        "  SELECT period::text AS period, value::float8 AS value, unit, source, "
        "         (extract(epoch FROM released_at) * 1000)::bigint AS released_ms, period AS p "
        "  FROM economic_indicators WHERE indicator = $1 "
        "    AND ($2::bigint IS NULL OR period >= to_timestamp($2::bigint / 1000.0)::date) "
        "    AND ($3::bigint IS NULL OR period < to_timestamp($3::bigint / 1000.0)::date) "
        "  ORDER BY period DESC, source LIMIT $4::int) t ORDER BY p, source",
        {name, from ? pg::Param(std::to_string(*from)) : std::nullopt,
         to ? pg::Param(std::to_string(*to)) : std::nullopt, std::to_string(limit)});
    if (!rows) return database_problem(rows.error());
    if (rows->size() == 0) return http::problem(404, "Not Found", "no releases of " + name, "name");
    std::string body = "{\"indicator\":";
    append_json_string(body, name);
    body += ",\"series\":[";
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += "{\"period\":";
      append_json_string(body, rows->get(i, 0));
      body += ",\"value\":";
      body += rows->get(i, 1);
      body += ",\"unit\":";
      append_json_string(body, rows->get(i, 2));
      body += ",\"source\":";
      append_json_string(body, rows->get(i, 3));
      body += ",\"released_ts\":";
      body += rows->is_null(i, 4) ? std::string_view("null") : rows->get(i, 4);
      body += "}";
    }
    body += "]}";
    return http::json(200, std::move(body));
  });
}

}  // namespace st::api
