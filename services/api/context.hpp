#pragma once
// What every route needs: the database pool, the health probes, Redis, the
// token service and the clock. Owned by run_api; routes hold a reference.
#include <memory>

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

struct Context {
  const config::Settings& settings;
  pg::Pool& db;
  kafka::Admin& kafka_admin;
  redis::Pool& redis;
  const auth::TokenService& tokens;
  const Clock& clock;
  OutboxRelay& outbox;  // woken after a commit that wrote to the outbox
};

void add_health_routes(http::Router& router, Context& ctx);
void add_company_routes(http::Router& router, Context& ctx);
void add_auth_routes(http::Router& router, Context& ctx);
void add_user_routes(http::Router& router, Context& ctx);

/// 503 problem for a failed database call (details logged, not returned).
http::Response database_problem(const Error& error);

}  // namespace st::api
