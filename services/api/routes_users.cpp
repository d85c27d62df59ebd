// GET /api/users/profile, GET and PUT /api/users/preferences: always the
// caller's own, by the user id of the access token (no id in the path).
#include "context.hpp"
#include "outbox_relay.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "stocktracker/pg/transaction.hpp"
#include "user_store.hpp"

namespace st::api {
namespace {

/// Whether PostgreSQL knows the zone: notify converts times with it.
Result<bool> known_time_zone(pg::Connection& conn, const std::string& zone) {
  auto rows = conn.exec("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)", {zone});
  if (!rows) return std::unexpected(rows.error());
  return rows->get(0, 0) == "t";
}

}  // namespace

void add_user_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/users/profile", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto user = current_user_json(ctx, caller->user_id);
    if (!user) return user.error();
    return http::json(200, "{\"user\":" + *user + "}");
  });

  router.add("GET", "/api/users/preferences", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto settings = load_settings(**db, caller->user_id);
    if (!settings) return database_problem(settings.error());
    return http::json(200, preferences_json(*settings));
  });

  router.add("PUT", "/api/users/preferences", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto body = parse_body(req, {"channels", "price_change_threshold", "phone", "quiet_hours"});
    if (!body) return body.error();
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    pg::Transaction tx(**db);
    if (auto problem = begin_user_change(tx, **db, caller->user_id)) return *problem;
    auto current = load_settings(**db, caller->user_id);
    if (!current) return database_problem(current.error());
    auto updated = apply_preferences(*current, *body);
    if (!updated) return invalid_field(updated.error().field, updated.error().detail);
    if (updated->quiet_hours && updated->time_zone != current->time_zone) {
      auto known = known_time_zone(**db, updated->time_zone);
      if (!known) return database_problem(known.error());
      if (!*known) return invalid_field("quiet_hours.time_zone", "is not a time zone PostgreSQL knows");
    }
    const bool changed = *updated != *current;
    if (changed) {
      if (auto st = save_settings(**db, caller->user_id, *updated); !st) return database_problem(st.error());
      if (auto st = enqueue_preferences(**db, caller->user_id); !st) return database_problem(st.error());
    }
    if (auto st = tx.commit(); !st) return database_problem(st.error());
    if (changed) ctx.outbox.wake();
    return http::json(200, preferences_json(*updated));
  });
}

}  // namespace st::api
