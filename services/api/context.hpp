#pragma once
// What every route needs: the database pool, the health probes, Redis, the
// token service and the clock. Owned by run_api; routes hold a reference.
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/config/settings.hpp"
#include "stocktracker/http/http.hpp"
#include "stocktracker/pg/pool.hpp"

namespace st::kafka {
class Admin;
}
namespace st::redis {
class Pool;
}
namespace st::auth {
class TokenService;
}

namespace st::api {

class OutboxRelay;

class QuoteBook;
class CompanyCache;

struct Context {
  const config::Settings& settings;
  pg::Pool& db;
  kafka::Admin& kafka_admin;
  redis::Pool& redis;
  const auth::TokenService& tokens;
  const Clock& clock;
  OutboxRelay& outbox;  // woken after a commit that wrote to the outbox
  QuoteBook& quotes;    // latest price per symbol, kept current from Kafka
  CompanyCache* companies = nullptr;  // company list and look-ups; null: no caching
};

void add_health_routes(http::Router& router, Context& ctx);
void add_company_routes(http::Router& router, Context& ctx);
void add_auth_routes(http::Router& router, Context& ctx);
void add_user_routes(http::Router& router, Context& ctx);
void add_alert_rule_routes(http::Router& router, Context& ctx);
void add_notification_routes(http::Router& router, Context& ctx);
void add_push_routes(http::Router& router, Context& ctx);  // web push subscriptions, VAPID key
void add_news_routes(http::Router& router, Context& ctx);
void add_indicator_routes(http::Router& router, Context& ctx);
void add_quote_routes(http::Router& router, Context& ctx);
void add_provider_routes(http::Router& router, Context& ctx);  // GET /api/providers: data provider health
void add_meta_routes(http::Router& router, Context& ctx);  // /api/openapi.json, /metrics
void add_backtest_routes(http::Router& router, Context& ctx);  // POST /api/alerts/rules/:id/backtest
/// The built dashboard (settings.web_root) for every GET that no route
/// matched outside /api, /ws and the probes, as middleware (routes_web.cpp).
void add_web_routes(http::Router& router, Context& ctx);

/// Every route above (routes.cpp): the list openapi_test checks against
/// docs/openapi.json.
void add_api_routes(http::Router& router, Context& ctx);
/// add_api_routes behind the metrics and CORS (settings.cors_origins)
/// middleware: the router run_api serves.
http::Router make_api_router(Context& ctx);

/// 503 problem for a failed database call (details logged, not returned).
http::Response database_problem(const Error& error);

/// An optional integer query parameter within [min, max] into `out`; a 400
/// problem naming it otherwise.
std::optional<http::Response> int_param(const http::Request& req, std::string_view name, std::int64_t min,
                                        std::int64_t max, std::int64_t& out);

/// An optional time query parameter (ISO 8601 or epoch ms) into `out`; a
/// 400 problem naming it otherwise.
std::optional<http::Response> time_param(const http::Request& req, std::string_view name,
                                         std::optional<EpochMs>& out);

struct CompanyRef {
  std::string id;
  std::string symbol;
};

/// The company `id` names, by numeric id or by symbol; a 400 or 404 problem
/// naming `field` otherwise.
std::expected<CompanyRef, http::Response> find_company(pg::Connection& conn, const std::string& id,
                                                       std::string_view field = "id");
/// The same through ctx.companies (company_cache.hpp), for reads outside a
/// transaction: a change of the company is seen within a second.
std::expected<CompanyRef, http::Response> find_company(Context& ctx, pg::Connection& conn, const std::string& id,
                                                       std::string_view field = "id");

}  // namespace st::api
