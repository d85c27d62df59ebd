// GET /api/companies, GET /api/companies/:id/prices, and the caller's
// watchlist: GET /api/companies/tracked, POST and DELETE
// /api/companies/track/:id (a change also writes the user's state to the
// outbox in the same transaction).
#include <charconv>

#include "api_metrics.hpp"
#include "candles_query.hpp"
#include "company_cache.hpp"
#include "context.hpp"
#include "outbox_relay.hpp"
#include "quote_book.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "ticks_query.hpp"
#include "stocktracker/pg/transaction.hpp"
#include "user_store.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::api {
namespace {

void append_nullable(std::string& out, const pg::Rows& rows, int r, int c) {
  if (rows.is_null(r, c)) {
    out += "null";
  } else {
    append_json_string(out, rows.get(r, c));
  }
}

/// The public fields of a company from columns 0 to 6 (id, symbol, name,
/// sector, industry, exchange, currency), without the closing brace.
void append_company_fields(std::string& out, const pg::Rows& rows, int i) {
  out += "{\"id\":";
  out += rows.get(i, 0);
  out += ",\"symbol\":";
  append_json_string(out, rows.get(i, 1));
  out += ",\"name\":";
  append_json_string(out, rows.get(i, 2));
  out += ",\"sector\":";
  append_nullable(out, rows, i, 3);
  out += ",\"industry\":";
  append_nullable(out, rows, i, 4);
  out += ",\"exchange\":";
  append_nullable(out, rows, i, 5);
  out += ",\"currency\":";
  append_json_string(out, rows.get(i, 6));
}

constexpr std::int64_t kMaxTracked = 1000;  // the user-preferences schema's maxItems

std::string company_ref_json(const CompanyRef& c) {
  std::string out = "{\"id\":" + c.id + ",\"symbol\":";
  append_json_string(out, c.symbol);
  out += "}";
  return out;
}

}  // namespace

std::optional<http::Response> time_param(const http::Request& req, std::string_view name,
                                         std::optional<EpochMs>& out) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  // Bounded like every other parameter (docs/openapi.json: maxLength 40),
  // whatever parse_time would make of a longer string.
  out = v->size() <= 40 ? parse_time(*v) : std::nullopt;
  if (!out) {
    return http::problem(400, "Invalid query parameter",
                         std::string(name) + " must be an ISO 8601 time (2026-11-27T10:00:00Z) or epoch milliseconds",
                         name);
  }
  return std::nullopt;
}


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

namespace {

bool numeric_company_id(const std::string& id) {
  return !id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18;
}

http::Response invalid_company(std::string_view field) {
  return http::problem(400, "Invalid company", std::string(field) + " must be a company id or a symbol", field);
}

http::Response company_not_found(const std::string& id, std::string_view field) {
  return http::problem(404, "Not Found", "no company " + id, field);
}

}  // namespace

std::expected<CompanyRef, http::Response> find_company(Context& ctx, pg::Connection& conn, const std::string& id,
                                                       std::string_view field) {
  if (ctx.companies == nullptr) return find_company(conn, id, field);
  // Checked before the cache, so only well-formed ids become keys.
  if (!numeric_company_id(id) && !model::valid_symbol(id)) return std::unexpected(invalid_company(field));
  std::optional<http::Response> problem;
  // "<id>\t<symbol>", or "" for no such company (cached too: the version
  // changes when one is added).
  auto cached = ctx.companies->get(conn, "ref:" + id, [&]() -> Result<std::string> {
    auto found = find_company(conn, id, field);
    if (found) return found->id + "\t" + found->symbol;
    if (found.error().status == 404) return std::string();
    problem = found.error();
    return fail(Errc::kUnavailable, "company look-up failed");
  });
  if (problem) return std::unexpected(std::move(*problem));
  if (!cached) return std::unexpected(database_problem(cached.error()));
  const auto tab = cached->find('\t');
  if (tab == std::string::npos) return std::unexpected(company_not_found(id, field));
  return CompanyRef{cached->substr(0, tab), cached->substr(tab + 1)};
}

std::expected<CompanyRef, http::Response> find_company(pg::Connection& conn, const std::string& id,
                                                       std::string_view field) {
  const bool numeric_id = numeric_company_id(id);
  if (!numeric_id && !model::valid_symbol(id)) return std::unexpected(invalid_company(field));
  auto company = conn.exec_prepared(numeric_id ? "SELECT id, symbol FROM companies WHERE id = $1::bigint"
                                      : "SELECT id, symbol FROM companies WHERE symbol = $1",
                           {id});
  if (!company) return std::unexpected(database_problem(company.error()));
  if (company->size() == 0) return std::unexpected(company_not_found(id, field));
  return CompanyRef{std::string(company->get(0, 0)), std::string(company->get(0, 1))};
}

http::Response database_problem(const Error& error) {
  log::error("database error", {{"error", error.message}});
  count_dependency_error(Dependency::kPostgres);
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
    if (sector.size() > 100) {
      return http::problem(400, "Invalid query parameter", "sector is longer than 100 characters", "sector");
    }
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    // The key holds every input of the answer; q's length keeps q and
    // sector apart whatever characters they hold.
    const std::string key = "list:" + std::to_string(limit) + ":" + std::to_string(offset) + ":" +
                            std::to_string(q.size()) + ":" + q + sector;
    const auto load = [&]() -> Result<std::string> {
      // Search matches a symbol prefix or a name substring, case-insensitively.
      auto rows = (*lease)->exec(
          "SELECT id, symbol, name, sector, industry, exchange, currency, count(*) OVER () "
          "FROM companies "
          "WHERE ($1 = '' OR symbol LIKE upper($1) || '%' OR lower(name) LIKE '%' || lower($1) || '%') "
          "  AND ($2 = '' OR sector = $2) "
          "ORDER BY symbol LIMIT $3::int OFFSET $4::int",
          {q, sector, std::to_string(limit), std::to_string(offset)});
      if (!rows) return std::unexpected(rows.error());
      std::string body = "{\"items\":[";
      for (int i = 0; i < rows->size(); ++i) {
        if (i > 0) body.push_back(',');
        append_company_fields(body, *rows, i);
        body.push_back('}');
      }
      body += "],\"total\":";
      body += rows->size() > 0 ? std::string(rows->get(0, 7)) : "0";
      body += ",\"limit\":" + std::to_string(limit) + ",\"offset\":" + std::to_string(offset) + "}";
      return body;
    };
    auto body = ctx.companies != nullptr ? ctx.companies->get(**lease, key, load) : load();
    if (!body) return database_problem(body.error());
    return http::json(200, std::move(*body));
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
    const std::string_view interval = req.query_param("interval").value_or("tick");
    if (interval != "tick" && !is_candle_interval(interval)) {
      return http::problem(400, "Invalid query parameter", "interval must be tick, 5m, 1h or 1d", "interval");
    }
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    auto company = find_company(ctx, **lease, id);
    if (!company) return company.error();
    const std::string& symbol = company->symbol;
    if (interval != "tick") {
      auto candles = candles_json(**lease, symbol, interval, from, to, limit);
      if (!candles) return database_problem(candles.error());
      return http::json(200, "{\"company\":" + company_ref_json(*company) + ",\"interval\":\"" + std::string(interval) +
                                 "\",\"candles\":" + *candles + "}");
    }

    // Where the newest ticks are: before `to`, else around the symbol's
    // latest quote (or now, for a symbol with none yet).
    const EpochMs anchor = to ? *to : ctx.quotes.latest_ts(symbol).value_or(ctx.clock.now_ms());
    auto ticks = ticks_json(**lease, symbol, from, to, limit, anchor);
    if (!ticks) return database_problem(ticks.error());
    return http::json(200, "{\"company\":" + company_ref_json(*company) + ",\"interval\":\"tick\",\"prices\":" +
                               *ticks + "}");
  });

  router.add("GET", "/api/companies/tracked", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    auto rows = (*lease)->exec(
        "SELECT c.id, c.symbol, c.name, c.sector, c.industry, c.exchange, c.currency, "
        "       (extract(epoch FROM uc.created_at) * 1000)::bigint "
        "FROM user_companies uc JOIN companies c ON c.id = uc.company_id "
        "WHERE uc.user_id = $1::bigint ORDER BY c.symbol",
        {std::to_string(caller->user_id.value())});
    if (!rows) return database_problem(rows.error());
    std::string body = "{\"items\":[";
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      append_company_fields(body, *rows, i);
      body += ",\"tracked_at\":";
      append_json_string(body, format_iso8601(rows->get_int(i, 7)));
      body.push_back('}');
    }
    body += "],\"total\":" + std::to_string(rows->size()) + "}";
    return http::json(200, std::move(body));
  });

  // Track and untrack: the user row is locked first, so the outbox row
  // written with the change holds the state this change left.
  const auto change_tracking = [&ctx](const http::Request& req, bool track) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    if (auto body = parse_body(req, {}, false); !body) return body.error();
    const std::string user = std::to_string(caller->user_id.value());
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    pg::Transaction tx(**lease);
    if (auto problem = begin_user_change(tx, **lease, caller->user_id)) return *problem;
    auto company = find_company(**lease, req.params.at("id"));
    if (!company) return company.error();
    if (track) {
      const auto count = (*lease)->exec("SELECT count(*) FROM user_companies WHERE user_id = $1::bigint", {user});
      if (!count) return database_problem(count.error());
      if (count->get_int(0, 0) >= kMaxTracked) {
        return http::problem(409, "Conflict",
                             "at most " + std::to_string(kMaxTracked) + " companies can be tracked", "id");
      }
    }
    auto changed = (*lease)->exec(track ? "INSERT INTO user_companies (user_id, company_id) "
                                          "VALUES ($1::bigint, $2::bigint) ON CONFLICT DO NOTHING"
                                        : "DELETE FROM user_companies WHERE user_id = $1::bigint "
                                          "AND company_id = $2::bigint",
                                  {user, company->id});
    if (!changed) return database_problem(changed.error());
    if (changed->affected() == 0) {
      if (!track) return http::problem(404, "Not Found", "you do not track " + company->symbol, "id");
      return http::json(200, "{\"company\":" + company_ref_json(*company) + ",\"tracked\":true}");
    }
    if (auto st = enqueue_preferences(**lease, caller->user_id); !st) return database_problem(st.error());
    if (auto st = tx.commit(); !st) return database_problem(st.error());
    ctx.outbox.wake();
    if (!track) return http::Response{204, "application/json", "", {}};
    return http::json(201, "{\"company\":" + company_ref_json(*company) + ",\"tracked\":true}");
  };
  router.add("POST", "/api/companies/track/:id",
             [change_tracking](const http::Request& req) { return change_tracking(req, true); });
  router.add("DELETE", "/api/companies/track/:id",
             [change_tracking](const http::Request& req) { return change_tracking(req, false); });
}

}  // namespace st::api
