#pragma once
// What every route needs: the database pool and the health probes. Owned by
// run_api; routes hold a reference.
#include <memory>

#include "stocktracker/config/settings.hpp"
#include "stocktracker/http/http.hpp"
#include "stocktracker/pg/pool.hpp"

namespace st::kafka {
class Admin;
}

namespace st::api {

struct Context {
  const config::Settings& settings;
  pg::Pool& db;
  kafka::Admin& kafka_admin;
};

void add_health_routes(http::Router& router, Context& ctx);
void add_company_routes(http::Router& router, Context& ctx);

/// 503 problem for a failed database call (details logged, not returned).
http::Response database_problem(const Error& error);

}  // namespace st::api
